#include "image/fs_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <utility>

#include "common/status.h"

namespace crisp::image {
namespace {

class Walker {
 public:
  explicit Walker(dev_t dev) : dev_(dev) {}
  void Walk(int dirfd);
  void Count(const struct stat& st);
  FsUsage usage;

 private:
  dev_t dev_;
  std::set<std::pair<dev_t, ino_t>> linked_;
};

void Walker::Count(const struct stat& st) {
  if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) &&
      !linked_.insert({st.st_dev, st.st_ino}).second) {
    return;
  }
  usage.bytes += static_cast<uint64_t>(st.st_blocks) * 512;
  usage.inodes += 1;
}

void Walker::Walk(int dirfd) {
  DIR* d = ::fdopendir(dirfd);
  if (d == nullptr) {
    ::close(dirfd);
    return;
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;  // removed meanwhile
    }
    Count(st);
    if (S_ISDIR(st.st_mode) && st.st_dev == dev_) {
      int fd = ::openat(::dirfd(d), e->d_name,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) Walk(fd);
    }
  }
  ::closedir(d);
}

}  // namespace

absl::StatusOr<FsUsage> DiskUsage(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return crisp::LastErrno("open " + dir);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return crisp::LastErrno("stat " + dir);
  }
  Walker w(st.st_dev);
  w.Count(st);
  w.Walk(fd);
  return w.usage;
}

}  // namespace crisp::image
