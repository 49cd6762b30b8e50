#include "runtime/linux/rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/linux/mount_options.h"
#include "runtime/linux/mountinfo.h"

namespace crisp::runtime::rootfs {
namespace {

unsigned long CurrentFlags(const char* path) {
  struct statvfs st;
  if (statvfs(path, &st) != 0) return 0;
  unsigned long f = 0;
  if (st.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) f |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

absl::Status MoveAndChroot(const std::string& rootfs) {
  if (mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) {
    return LastErrno("move rootfs to /");
  }
  if (chroot(".") != 0) return LastErrno("chroot");
  if (chdir("/") != 0) return LastErrno("chdir /");
  return absl::OkStatus();
}

unsigned long PropagationFlags(const std::string& propagation) {
  if (propagation.empty()) return MS_SLAVE | MS_REC;
  return mounts::ParseOptions({propagation}).propagation;
}

absl::StatusOr<std::vector<mountinfo::Entry>> OwnMounts() {
  ASSIGN_OR_RETURN(std::string text, ReadFile("/proc/self/mountinfo"));
  return mountinfo::Parse(text);
}

// pivot_root refuses a rootfs whose parent mount is shared, and a bind
// mount made under a shared mount would show up on the host. This mount
// namespace is the container's own, so turning its copy of that mount into
// a slave (still receiving the host's mounts) or, when private was asked
// for, private changes nothing outside it.
absl::Status StopParentPropagating(const std::string& rootfs,
                                   unsigned long propagation) {
  char real[PATH_MAX];
  if (realpath(rootfs.c_str(), real) == nullptr) {
    return LastErrno(absl::StrCat("resolve rootfs ", rootfs));
  }
  ASSIGN_OR_RETURN(auto mounts, OwnMounts());
  const mountinfo::Entry* parent = mountinfo::MountOf(mounts, real);
  if (parent == nullptr || !parent->Shared()) return absl::OkStatus();
  unsigned long flag = (propagation & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE;
  if (mount(nullptr, parent->mount_point.c_str(), nullptr, flag, nullptr)) {
    return LastErrno(
        absl::StrCat("stop ", parent->mount_point, " propagating to the host"));
  }
  return absl::OkStatus();
}

// Only an initramfs root, which has no parent mount, makes pivot_root
// impossible; anywhere else its EINVAL is a real error to report.
bool RootIsInitramfs() {
  auto mounts = OwnMounts();
  if (!mounts.ok()) return false;
  const mountinfo::Entry* root = mountinfo::MountOf(*mounts, "/");
  return root != nullptr &&
         (root->fstype == "rootfs" || root->fstype == "ramfs");
}

}  // namespace

absl::StatusOr<UniqueFd> Prepare(const std::string& rootfs,
                                 const std::string& propagation) {
  unsigned long prop = PropagationFlags(propagation);
  if (mount(nullptr, "/", nullptr, prop, nullptr) != 0) {
    return LastErrno("set propagation of /");
  }
  RETURN_IF_ERROR(StopParentPropagating(rootfs, prop));
  if (mount(rootfs.c_str(), rootfs.c_str(), "", MS_BIND | MS_REC, nullptr)) {
    return LastErrno(absl::StrCat("bind mount rootfs ", rootfs));
  }
  int fd = open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return LastErrno(absl::StrCat("open rootfs ", rootfs));
  return UniqueFd(fd);
}

absl::Status PivotRoot(const std::string& rootfs,
                       const std::string& propagation) {
  UniqueFd old_root(open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!old_root) return LastErrno("open /");
  if (chdir(rootfs.c_str()) != 0) return LastErrno("chdir rootfs");
  if (syscall(SYS_pivot_root, ".", ".") != 0) {
    if (errno == EINVAL && RootIsInitramfs()) return MoveAndChroot(rootfs);
    return LastErrno(absl::StrCat("pivot_root to ", rootfs));
  }
  // The old root is now stacked under "."; detach it without letting the
  // unmount propagate to the host.
  if (fchdir(old_root.get()) != 0) return LastErrno("fchdir old root");
  if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
    return LastErrno("make old root rslave");
  }
  if (umount2(".", MNT_DETACH) != 0) return LastErrno("detach old root");
  if (chdir("/") != 0) return LastErrno("chdir /");
  // The bind of the rootfs copied its parent's (slave or private)
  // propagation; give the new root the one asked for.
  unsigned long prop = PropagationFlags(propagation);
  if ((prop & MS_PRIVATE) == 0 && mount(nullptr, "/", nullptr, prop, nullptr)) {
    return LastErrno("set propagation of the container's /");
  }
  return absl::OkStatus();
}

absl::Status MaskPaths(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      return LastErrno(absl::StrCat("stat masked path ", p));
    }
    int rc = S_ISDIR(st.st_mode)
                 ? mount("tmpfs", p.c_str(), "tmpfs", MS_RDONLY, "size=0")
                 : mount("/dev/null", p.c_str(), "", MS_BIND, nullptr);
    if (rc != 0) return LastErrno(absl::StrCat("mask ", p));
  }
  return absl::OkStatus();
}

absl::Status ReadonlyPaths(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    if (mount(p.c_str(), p.c_str(), "", MS_BIND | MS_REC, nullptr) != 0) {
      if (errno == ENOENT) continue;
      return LastErrno(absl::StrCat("bind readonly path ", p));
    }
    unsigned long f =
        MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | CurrentFlags(p.c_str());
    if (mount(p.c_str(), p.c_str(), "", f, nullptr) != 0) {
      return LastErrno(absl::StrCat("remount readonly ", p));
    }
  }
  return absl::OkStatus();
}

absl::Status RemountRootReadonly() {
  unsigned long f = MS_BIND | MS_REMOUNT | MS_RDONLY | CurrentFlags("/");
  if (mount("", "/", "", f, nullptr) != 0) {
    return LastErrno("remount / read-only");
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::rootfs
