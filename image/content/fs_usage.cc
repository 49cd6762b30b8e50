#include "image/content/fs_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "glog/logging.h"

namespace crisp::image {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

// du without recursion: the old recursive walk held a DIR* (32 KiB) and a
// stack frame per level and crashed crispd on a tree 50,000 levels deep
// (audit H2). Here each level keeps its inode and its readdir position;
// only the deepest max_open_dirs levels keep an open DIR*.
class Walker {
 public:
  Walker(dev_t dev, const DiskUsageOptions& options);
  void Count(const struct stat& st);
  void Walk(DirPtr root, ino_t ino);
  FsUsage usage;

 private:
  struct Level {
    ino_t ino;
    long position = 0;  // telldir() after the subdirectory being walked
    DirPtr dir;         // null beyond the open budget
  };
  void Entry(const struct dirent& e);
  void Descend(const char* name, const struct stat& st);
  bool Up();
  bool OutOfTime();

  dev_t dev_;
  DiskUsageOptions options_;
  std::chrono::steady_clock::time_point deadline_;
  std::vector<Level> stack_;  // stack_[0] is the root
  size_t first_open_ = 0;     // levels below this index have no DIR*
  uint64_t entries_ = 0;
  std::set<std::pair<dev_t, ino_t>> linked_;
};

Walker::Walker(dev_t dev, const DiskUsageOptions& options)
    : dev_(dev),
      options_(options),
      deadline_(std::chrono::steady_clock::now() + options.max_time) {
  // The deepest directory is the one being read: it always stays open.
  if (options_.max_open_dirs == 0) options_.max_open_dirs = 1;
}

void Walker::Count(const struct stat& st) {
  if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) &&
      !linked_.insert({st.st_dev, st.st_ino}).second) {
    return;
  }
  usage.bytes += static_cast<uint64_t>(st.st_blocks) * 512;
  usage.inodes += 1;
}

// The clock is read every 256 entries, which costs nothing measurable.
bool Walker::OutOfTime() {
  if (++entries_ % 256 != 0) return false;
  return std::chrono::steady_clock::now() >= deadline_;
}

void Walker::Walk(DirPtr root, ino_t ino) {
  stack_.push_back({ino, 0, std::move(root)});
  while (!stack_.empty()) {
    if (OutOfTime()) {
      usage.partial = true;
      return;
    }
    DIR* dir = stack_.back().dir.get();
    struct dirent* e = ::readdir(dir);
    if (e != nullptr) {
      Entry(*e);
    } else if (!Up()) {
      usage.partial = true;
      return;
    }
  }
}

void Walker::Entry(const struct dirent& e) {
  std::string_view n = e.d_name;
  if (n == "." || n == "..") return;
  DIR* dir = stack_.back().dir.get();
  struct stat st;
  if (::fstatat(::dirfd(dir), e.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return;  // removed meanwhile
  }
  Count(st);
  if (!S_ISDIR(st.st_mode) || st.st_dev != dev_) return;
  if (stack_.size() >= options_.max_depth) {  // this entry is that deep
    usage.partial = true;
    return;
  }
  stack_.back().position = ::telldir(dir);
  Descend(e.d_name, st);
}

void Walker::Descend(const char* name, const struct stat& st) {
  int fd = ::openat(::dirfd(stack_.back().dir.get()), name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat opened;
  if (fd < 0 || ::fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino ||
      opened.st_dev != dev_) {
    if (fd >= 0) ::close(fd);
    return;  // removed or replaced meanwhile: not counted further
  }
  DirPtr dir(::fdopendir(fd));
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  stack_.push_back({st.st_ino, 0, std::move(dir)});
  if (stack_.size() - first_open_ > options_.max_open_dirs) {
    stack_[first_open_++].dir.reset();
  }
}

// Leaves the deepest directory for its parent, reopened through ".." if it
// was closed and resumed where it was left. False when the parent is not
// the directory it was (a rename moved the walk out of its path).
bool Walker::Up() {
  Level child = std::move(stack_.back());
  stack_.pop_back();
  if (stack_.empty() || stack_.back().dir != nullptr) return true;
  int fd = ::openat(::dirfd(child.dir.get()), "..",
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_ino != stack_.back().ino ||
      st.st_dev != dev_) {
    if (fd >= 0) ::close(fd);
    return false;
  }
  DirPtr dir(::fdopendir(fd));
  if (dir == nullptr) {
    ::close(fd);
    return false;
  }
  ::seekdir(dir.get(), stack_.back().position);
  stack_.back().dir = std::move(dir);
  first_open_ = stack_.size() - 1;
  return true;
}

}  // namespace

absl::StatusOr<FsUsage> DiskUsage(const std::string& dir,
                                  const DiskUsageOptions& options) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return crisp::LastErrno("open " + dir);
  struct stat st;
  DirPtr d(::fstat(fd, &st) == 0 ? ::fdopendir(fd) : nullptr);
  if (d == nullptr) {
    absl::Status status = crisp::LastErrno("read " + dir);
    ::close(fd);
    return status;
  }
  Walker w(st.st_dev, options);
  w.Count(st);
  w.Walk(std::move(d), st.st_ino);
  if (w.usage.partial) VLOG(1) << "disk usage of " << dir << " is partial";
  return w.usage;
}

}  // namespace crisp::image
