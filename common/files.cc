#include "common/files.h"
#include "absl/strings/string_view.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <unordered_set>
#include <utility>
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

// How many directory fds one RemoveAll keeps open: those of the deepest
// levels. Shallower ones are closed and reopened through ".." on the way
// back up, so a tree of any depth needs no more fds than this.
constexpr size_t kRemoveFdBudget = 32;

// rm -rf of a directory's contents without recursion: a container can nest
// directories 100,000 levels deep, which overflowed the stack of the old
// recursive walk and held a path string per level (audit H2). Memory is one
// (inode, fd) pair per level, 16 bytes, and the set of entries that could
// not be removed. Mount points (another st_dev) are reported and skipped,
// symlinks are unlinked, never followed.
class TreeRemover {
 public:
  TreeRemover(std::string root, dev_t dev)
      : root_(std::move(root)), dev_(dev) {}
  // Empties the directory open at `fd`, whose inode is `ino`; returns the
  // first error, after removing everything else it could.
  absl::Status Empty(UniqueFd fd, ino_t ino);

 private:
  struct Level {
    ino_t ino;
    UniqueFd fd;  // closed beyond the fd budget
  };
  // What one entry, or one pass over a directory, came to.
  enum class Scan { kKept, kRemoved, kDescended };
  Scan ScanTop();
  Scan Entry(int dirfd, const struct dirent& e);
  Scan RemoveDir(int dirfd, const char* name, const struct stat& st);
  Scan Descend(int dirfd, const char* name, const struct stat& st);
  absl::Status Up();
  Scan Stuck(ino_t ino, const absl::Status& why);
  std::string Where(absl::string_view name) const;

  std::string root_;
  dev_t dev_;
  std::vector<Level> stack_;  // stack_[0] is the root
  size_t first_open_ = 0;     // levels below this index have no fd
  // Entries that could not be removed, skipped when a directory is read
  // again; a directory left non-empty by them is added when left.
  std::unordered_set<ino_t> stuck_;
  bool top_stuck_ = false;  // the current scan skipped a stuck entry
  absl::Status status_;
};

std::string TreeRemover::Where(absl::string_view name) const {
  if (stack_.size() <= 1) return absl::StrCat(root_, "/", name);
  return absl::StrCat(root_, "/.../", name, " (depth ", stack_.size(), ")");
}

TreeRemover::Scan TreeRemover::Stuck(ino_t ino, const absl::Status& why) {
  status_.Update(why);
  stuck_.insert(ino);
  top_stuck_ = true;
  return Scan::kKept;
}

absl::Status TreeRemover::Empty(UniqueFd fd, ino_t ino) {
  stack_.push_back({ino, std::move(fd)});
  while (!stack_.empty()) {
    if (ScanTop() != Scan::kKept) continue;  // not done with it yet
    absl::Status up = Up();
    if (!up.ok()) {
      status_.Update(up);
      break;
    }
  }
  return status_;
}

// One pass over the deepest directory, from its start: it stops at the
// first subdirectory to descend into; entries removed before are gone, so
// a later pass sees only what is left.
TreeRemover::Scan TreeRemover::ScanTop() {
  top_stuck_ = false;
  int fd =
      ::openat(stack_.back().fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    return Stuck(stack_.back().ino, LastErrno("read " + Where(".")));
  }
  Scan result = Scan::kKept;
  bool removed = false;
  while (struct dirent* e = ::readdir(dir)) {
    result = Entry(::dirfd(dir), *e);
    if (result == Scan::kDescended) break;
    removed |= result == Scan::kRemoved;
  }
  ::closedir(dir);
  if (result == Scan::kDescended) return result;
  // Read again after removing: readdir need not return every entry of a
  // directory that changes while it is read.
  return removed ? Scan::kRemoved : Scan::kKept;
}

TreeRemover::Scan TreeRemover::Entry(int dirfd, const struct dirent& e) {
  absl::string_view n = e.d_name;
  if (n == "." || n == "..") return Scan::kKept;
  if (stuck_.count(e.d_ino) != 0) {
    top_stuck_ = true;
    return Scan::kKept;
  }
  struct stat st;
  if (::fstatat(dirfd, e.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Scan::kRemoved;
    return Stuck(e.d_ino, LastErrno("stat " + Where(n)));
  }
  if (stuck_.count(st.st_ino) != 0) {
    top_stuck_ = true;
    return Scan::kKept;
  }
  if (S_ISDIR(st.st_mode)) return RemoveDir(dirfd, e.d_name, st);
  if (::unlinkat(dirfd, e.d_name, 0) != 0 && errno != ENOENT) {
    return Stuck(st.st_ino, LastErrno("unlink " + Where(n)));
  }
  return Scan::kRemoved;
}

// rmdir first: it succeeds on an emptied directory, and fails with EBUSY
// on any mount point, even one of the same file system.
TreeRemover::Scan TreeRemover::RemoveDir(int dirfd, const char* name,
                                         const struct stat& st) {
  if (st.st_dev != dev_) {
    return Stuck(st.st_ino, absl::FailedPreconditionError(absl::StrCat(
                                "remove ", Where(name), ": is a mount point")));
  }
  if (::unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
    return Scan::kRemoved;
  }
  if (errno != ENOTEMPTY && errno != EEXIST) {
    return Stuck(st.st_ino, LastErrno("rmdir " + Where(name)));
  }
  return Descend(dirfd, name, st);
}

TreeRemover::Scan TreeRemover::Descend(int dirfd, const char* name,
                                       const struct stat& st) {
  UniqueFd fd(
      ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat opened;
  if (!fd || ::fstat(fd.get(), &opened) != 0) {
    return Stuck(st.st_ino, LastErrno("open " + Where(name)));
  }
  if (opened.st_ino != st.st_ino || opened.st_dev != dev_) {
    return Stuck(st.st_ino,
                 absl::AbortedError(absl::StrCat(
                     "remove ", Where(name), ": replaced during the removal")));
  }
  stack_.push_back({st.st_ino, std::move(fd)});
  if (stack_.size() - first_open_ > kRemoveFdBudget) {
    stack_[first_open_++].fd.Reset();
  }
  return Scan::kDescended;
}

// Leaves the deepest directory. Its parent's fd is reopened through ".."
// when it was closed, and must be the same inode: a directory moved
// elsewhere meanwhile would otherwise lead the removal out of the tree.
absl::Status TreeRemover::Up() {
  Level child = std::move(stack_.back());
  stack_.pop_back();
  if (top_stuck_) stuck_.insert(child.ino);
  if (stack_.empty() || stack_.back().fd) return absl::OkStatus();
  UniqueFd parent(::openat(child.fd.get(), "..",
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st;
  if (!parent || ::fstat(parent.get(), &st) != 0) {
    return LastErrno("open " + Where(".."));
  }
  if (st.st_ino != stack_.back().ino || st.st_dev != dev_) {
    return absl::AbortedError(absl::StrCat("remove ", root_,
                                           ": a directory at depth ",
                                           stack_.size(), " was moved away"));
  }
  stack_.back().fd = std::move(parent);
  first_open_ = stack_.size() - 1;
  return absl::OkStatus();
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
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(pfd.get(), base.c_str(), 0) != 0 && errno != ENOENT) {
      return LastErrno("unlink " + path);
    }
    return absl::OkStatus();
  }
  UniqueFd fd(::openat(pfd.get(), base.c_str(),
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return errno == ENOENT ? absl::OkStatus() : LastErrno("open " + path);
  if (::fstat(fd.get(), &st) != 0) return LastErrno("stat " + path);
  RETURN_IF_ERROR(TreeRemover(path, st.st_dev).Empty(std::move(fd), st.st_ino));
  if (::unlinkat(pfd.get(), base.c_str(), AT_REMOVEDIR) != 0 &&
      errno != ENOENT) {
    return LastErrno("rmdir " + path);
  }
  return absl::OkStatus();
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
