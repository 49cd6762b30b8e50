#include "image/snapshots/confined_fs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::image {
namespace {

int OpenAt2(int dirfd, const std::string& path, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN) return static_cast<int>(fd);
  }
}

std::string JoinPath(const std::vector<std::string>& c, size_t n) {
  if (n == 0) return ".";
  return absl::StrJoin(c.begin(), c.begin() + static_cast<long>(n), "/");
}

}  // namespace

std::vector<std::string> SplitEntryPath(absl::string_view path) {
  std::vector<std::string> out;
  for (absl::string_view c : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (c != ".") out.emplace_back(c);
  }
  return out;
}

absl::StatusOr<ConfinedRoot> ConfinedRoot::Open(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return crisp::LastErrno("open " + dir);
  return ConfinedRoot(std::move(fd), dir);
}

absl::StatusOr<UniqueFd> ConfinedRoot::Resolve(
    const std::vector<std::string>& components, int flags) {
  std::string path = JoinPath(components, components.size());
  UniqueFd fd(OpenAt2(fd_.get(), path, flags));
  if (!fd) return crisp::LastErrno(path);
  return fd;
}

absl::StatusOr<UniqueFd> ConfinedRoot::OpenDir(
    const std::vector<std::string>& components, bool create) {
  std::string path = JoinPath(components, components.size());
  UniqueFd fd(OpenAt2(fd_.get(), path, O_PATH | O_DIRECTORY));
  if (fd || errno != ENOENT || !create) {
    if (!fd) return crisp::LastErrno(path);
    return fd;
  }
  // Walk down, creating what is missing. Each step is resolved from the
  // root again, so a symlink met on the way stays confined too.
  UniqueFd parent(OpenAt2(fd_.get(), ".", O_PATH | O_DIRECTORY));
  for (size_t i = 0; i < components.size(); ++i) {
    std::string prefix = JoinPath(components, i + 1);
    UniqueFd next(OpenAt2(fd_.get(), prefix, O_PATH | O_DIRECTORY));
    if (!next && errno == ENOENT && components[i] != "..") {
      if (::mkdirat(parent.get(), components[i].c_str(), 0755) == 0) {
        // 0755 whatever crispd's umask is.
        ::fchmodat(parent.get(), components[i].c_str(), 0755, 0);
      } else if (errno != EEXIST) {
        return crisp::LastErrno("mkdir " + prefix);
      }
      next.Reset(OpenAt2(fd_.get(), prefix, O_PATH | O_DIRECTORY));
    }
    if (!next) return crisp::LastErrno(prefix);
    parent = std::move(next);
  }
  return parent;
}

}  // namespace crisp::image
