#include "containers/rootfs_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files.h"
#include "common/mount_owner.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "runtime/bundle.h"
#include "runtime/linux/paths.h"

namespace crisp::containers {

absl::Status MountRootfs(const std::vector<std::string>& lower,
                         const std::string& layer, const std::string& target) {
  runtime::LayerLayout dirs(layer);
  std::vector<std::string> lowers = lower;
  if (lowers.empty()) {
    lowers.push_back(dirs.EmptyLowerDir());
    RETURN_IF_ERROR(MakeDirs(lowers.back(), 0755));
  }
  RETURN_IF_ERROR(MakeDirs(dirs.UpperDir(), 0755));
  RETURN_IF_ERROR(MakeDirs(dirs.WorkDir(), 0700));
  RETURN_IF_ERROR(MakeDirs(target, 0755));
  std::string data =
      absl::StrCat("lowerdir=", absl::StrJoin(lowers, ":"),
                   ",upperdir=", dirs.UpperDir(), ",workdir=", dirs.WorkDir());
  // The kernel takes one page of options; more layers need shorter paths.
  if (data.size() >= static_cast<size_t>(getpagesize())) {
    return absl::InvalidArgumentError(
        absl::StrCat("rootfs ", target, ": ", lowers.size(),
                     " layers make overlay options longer than a page"));
  }
  if (mount("overlay", target.c_str(), "overlay", 0, data.c_str()) != 0) {
    return LastErrno(absl::StrCat("mount overlay rootfs at ", target));
  }
  return absl::OkStatus();
}

absl::Status UnmountRootfs(const std::string& target) {
  return DetachMount(target);
}

absl::Status MakeWorkingDir(const std::string& rootfs, const std::string& cwd,
                            uid_t uid, gid_t gid) {
  UniqueFd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return LastErrno(absl::StrCat("open rootfs ", rootfs));
  auto existing = runtime::paths::OpenInRoot(root.get(), cwd, O_PATH);
  if (existing.ok() || !absl::IsNotFound(existing.status())) {
    return existing.status();
  }
  ASSIGN_OR_RETURN(UniqueFd dir,
                   runtime::paths::CreateInRoot(root.get(), cwd, true, 0755));
  if (fchownat(dir.get(), "", uid, gid, AT_EMPTY_PATH) != 0) {
    return LastErrno(absl::StrCat("chown working directory ", cwd));
  }
  return absl::OkStatus();
}

}  // namespace crisp::containers
