#include "runtime/linux/paths.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::runtime::paths {

absl::StatusOr<UniqueFd> OpenInRoot(int root, const std::string& path,
                                    int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string rel = path.empty() ? "." : path;
  int fd = static_cast<int>(
      syscall(SYS_openat2, root, rel.c_str(), &how, sizeof(how)));
  if (fd < 0) return LastErrno(absl::StrCat("open ", path, " in rootfs"));
  return UniqueFd(fd);
}

namespace {

// As the kernel's MAXSYMLINKS.
constexpr int kMaxLinks = 40;

absl::StatusOr<UniqueFd> Create(int root, const std::string& path,
                                bool directory, mode_t mode, int links);

// `name` in `dir` (at `walked` in the root) exists but does not resolve:
// a dangling symlink. runc creates its target, inside the root, so that
// a mount over /etc/hosts -> /run/hosts works; so do we.
// Over DESIGN's budget (7 parameters): to take a struct with Create's.
// NOLINTNEXTLINE(readability-function-size)
absl::StatusOr<UniqueFd> CreateLinkTarget(int root, int dir,
                                          const std::string& name,
                                          const std::string& walked,
                                          bool directory, mode_t mode,
                                          int links) {
  char target[4096];
  ssize_t n = readlinkat(dir, name.c_str(), target, sizeof(target) - 1);
  if (n < 0) return LastErrno(absl::StrCat("readlink ", walked, " in rootfs"));
  if (links >= kMaxLinks) {
    return absl::FailedPreconditionError(
        absl::StrCat("create ", walked, " in rootfs: too many symlinks"));
  }
  std::string to(target, static_cast<size_t>(n));
  // Relative targets start from the link's directory; "/" and ".." stay
  // inside the root (RESOLVE_IN_ROOT).
  if (to.empty() || to[0] != '/') {
    to = absl::StrCat(walked.substr(0, walked.rfind('/')), "/", to);
  }
  return Create(root, to, directory, mode, links + 1);
}

absl::StatusOr<UniqueFd> Create(int root, const std::string& path,
                                bool directory, mode_t mode, int links) {
  std::vector<std::string> parts = absl::StrSplit(path, '/', absl::SkipEmpty());
  ASSIGN_OR_RETURN(UniqueFd dir, OpenInRoot(root, "/", O_PATH | O_DIRECTORY));
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    bool leaf = i + 1 == parts.size();
    walked += "/" + parts[i];
    auto next = OpenInRoot(root, walked, O_PATH);
    if (!next.ok() && absl::IsNotFound(next.status())) {
      int rc = (leaf && !directory)
                   ? mknodat(dir.get(), parts[i].c_str(), S_IFREG | 0644, 0)
                   : mkdirat(dir.get(), parts[i].c_str(), mode);
      if (rc != 0 && errno != EEXIST) {
        return LastErrno(absl::StrCat("create ", walked, " in rootfs"));
      }
      next = OpenInRoot(root, walked, O_PATH);
      if (rc != 0 && absl::IsNotFound(next.status())) {
        next = CreateLinkTarget(root, dir.get(), parts[i], walked,
                                directory || !leaf, mode, links);
      }
    }
    if (!next.ok()) return next.status();
    dir = std::move(*next);
  }
  return dir;
}

}  // namespace

absl::StatusOr<UniqueFd> CreateInRoot(int root, const std::string& path,
                                      bool directory, mode_t mode) {
  return Create(root, path, directory, mode, 0);
}

std::string FdPath(int fd) { return absl::StrCat("/proc/self/fd/", fd); }

}  // namespace crisp::runtime::paths
