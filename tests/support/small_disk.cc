#include "tests/support/small_disk.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/files.h"
#include "common/unique_fd.h"

namespace crisp::testing {
namespace {

constexpr size_t kChunk = 64 << 10;

// Appends to `fd` until the disk refuses: ENOSPC is the expected end.
std::string WriteUntilFull(int fd) {
  std::string block(kChunk, 'f');
  for (size_t size = kChunk; size > 0;) {
    ssize_t n = ::write(fd, block.data(), size);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ENOSPC) return std::strerror(errno);
    size /= 2;  // the last pages: smaller writes until not even one fits
  }
  return "";
}

}  // namespace

SmallDisk::~SmallDisk() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

std::string SmallDisk::Mount(const std::string& dir, int64_t bytes) {
  if (!MakeDirs(dir, 0700).ok()) return "mkdir " + dir;
  std::string options = "mode=0700,size=" + std::to_string(bytes);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              options.c_str()) != 0) {
    return "mount tmpfs on " + dir + ": " + std::strerror(errno);
  }
  dir_ = dir;
  mounted_ = true;
  return "";
}

int64_t SmallDisk::Available() const {
  struct statvfs st;
  if (::statvfs(dir_.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

std::string SmallDisk::Fill(int64_t leave) {
  std::string path = dir_ + "/filler-" + std::to_string(fillers_.size());
  UniqueFd fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return "create " + path + ": " + std::strerror(errno);
  fillers_.push_back(path);
  if (leave == 0) return WriteUntilFull(fd.get());
  int64_t size = Available() - leave;
  if (size <= 0) return "less than " + std::to_string(leave) + " bytes free";
  if (::fallocate(fd.get(), 0, 0, size) != 0) {
    return "fallocate " + path + ": " + std::strerror(errno);
  }
  return "";
}

void SmallDisk::Free() {
  for (const auto& f : fillers_) ::unlink(f.c_str());
  fillers_.clear();
}

}  // namespace crisp::testing
