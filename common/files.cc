#include "common/files.h"
#include "absl/strings/string_view.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp {
namespace {

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastErrno("write " + path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Removes the entries of the directory open at `dirfd`, staying on `dev`.
absl::Status RemoveChildren(int dirfd, dev_t dev, const std::string& path);

absl::Status RemoveEntry(int parent, const char* name, dev_t dev,
                         const std::string& path) {
  struct stat st;
  if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? absl::OkStatus() : LastErrno("stat " + path);
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != dev) {
      return absl::FailedPreconditionError(
          absl::StrCat("remove ", path, ": is a mount point"));
    }
    int fd =
        ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return LastErrno("open " + path);
    RETURN_IF_ERROR(RemoveChildren(fd, dev, path));
    if (::unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
      return LastErrno("rmdir " + path);
    }
    return absl::OkStatus();
  }
  if (::unlinkat(parent, name, 0) != 0 && errno != ENOENT) {
    return LastErrno("unlink " + path);
  }
  return absl::OkStatus();
}

absl::Status RemoveChildren(int dirfd, dev_t dev, const std::string& path) {
  DIR* dir = ::fdopendir(dirfd);
  if (dir == nullptr) {
    ::close(dirfd);
    return LastErrno("opendir " + path);
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(dir)) {
    absl::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  absl::Status status;
  for (const auto& n : names) {
    status.Update(RemoveEntry(::dirfd(dir), n.c_str(), dev, path + "/" + n));
  }
  ::closedir(dir);
  return status;
}

}  // namespace

absl::Status WriteFileAtomic(const std::string& path, absl::string_view data,
                             mode_t mode) {
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  UniqueFd fd(
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return LastErrno("create " + tmp);
  absl::Status status = WriteAll(fd.get(), data, tmp);
  if (status.ok() && ::fchmod(fd.get(), mode) != 0)
    status = LastErrno("chmod " + tmp);
  if (status.ok() && ::fsync(fd.get()) != 0) status = LastErrno("fsync " + tmp);
  fd.Reset();
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = LastErrno("rename " + tmp + " to " + path);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  return SyncDir(DirName(path));
}

std::string ReadFd(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) out.append(buf, n);
  }
  return out;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return LastErrno("open " + path);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastErrno("read " + path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return LastErrno("opendir " + dir);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    absl::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  return names;
}

absl::Status MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return absl::InvalidArgumentError("mkdir: empty path");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("mkdir ", path, ": exists and is not a directory"));
  }
  std::string parent = DirName(path);
  if (parent != path) RETURN_IF_ERROR(MakeDirs(parent, mode));
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return LastErrno("mkdir " + path);
  }
  return absl::OkStatus();
}

absl::Status RemoveAll(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? absl::OkStatus() : LastErrno("stat " + path);
  }
  std::string parent = DirName(path);
  UniqueFd pfd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!pfd) return LastErrno("open " + parent);
  std::string base = path.substr(path.find_last_of('/') + 1);
  return RemoveEntry(pfd.get(), base.c_str(), st.st_dev, path);
}

absl::Status SyncDir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return LastErrno("open " + dir);
  if (::fsync(fd.get()) != 0) return LastErrno("fsync " + dir);
  return absl::OkStatus();
}

absl::StatusOr<FileLock> FileLock::Acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return LastErrno("open lock file " + path);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          "lock ", path, ": held by another process (is crispd running?)"));
    }
    return LastErrno("lock " + path);
  }
  return FileLock(std::move(fd));
}

}  // namespace crisp
