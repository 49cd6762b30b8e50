#include "runtime/linux/mount_probe.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace crisp::runtime::mounts {
namespace {

// Where the scratch tmpfs goes. Only this process's private mount
// namespace sees it over the host's /tmp.
constexpr char kScratch[] = "/tmp";

absl::Status Sys(int rc, absl::string_view step) {
  if (rc == 0) return absl::OkStatus();
  return LastErrno(step);
}

std::string KernelRelease() {
  struct utsname u = {};
  if (uname(&u) != 0) return "an unknown release";
  return u.release;
}

// A private mount namespace over a scratch tmpfs holding "tree" with a
// tmpfs submount at tree/sub, and an empty "view" to bind it on.
absl::Status ScratchTree() {
  RETURN_IF_ERROR(Sys(unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)"));
  RETURN_IF_ERROR(
      Sys(mount("", "/", "", MS_REC | MS_PRIVATE, nullptr), "make / rprivate"));
  RETURN_IF_ERROR(Sys(mount("tmpfs", kScratch, "tmpfs", 0, "size=64k"),
                      "mount scratch tmpfs"));
  std::string tree = absl::StrCat(kScratch, "/tree");
  RETURN_IF_ERROR(Sys(mkdir(tree.c_str(), 0700), "mkdir tree"));
  RETURN_IF_ERROR(Sys(mkdir((tree + "/sub").c_str(), 0700), "mkdir sub"));
  RETURN_IF_ERROR(
      Sys(mkdir(absl::StrCat(kScratch, "/view").c_str(), 0700), "mkdir view"));
  return Sys(mount("tmpfs", (tree + "/sub").c_str(), "tmpfs", 0, "size=64k"),
             "mount submount tmpfs");
}

// The runtime's own sequence for an "rro" bind (mounts.cc), then a write
// into the submount through the bind, which must fail with EROFS.
absl::Status RecursiveReadOnlyBind() {
  std::string view = absl::StrCat(kScratch, "/view");
  RETURN_IF_ERROR(Sys(mount(absl::StrCat(kScratch, "/tree").c_str(),
                            view.c_str(), "", MS_BIND | MS_REC, nullptr),
                      "rbind"));
  UniqueFd top(open(view.c_str(), O_PATH | O_CLOEXEC));
  if (!top.valid()) return LastErrno("open the bind");
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  long rc = syscall(SYS_mount_setattr, top.get(), "",
                    AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
  RETURN_IF_ERROR(Sys(static_cast<int>(rc),
                      "mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)"));
  if (mkdir((view + "/sub/probe").c_str(), 0700) == 0) {
    return absl::FailedPreconditionError(
        "a submount stayed writable after mount_setattr(AT_RECURSIVE)");
  }
  if (errno != EROFS) return LastErrno("write into the read-only submount");
  return absl::OkStatus();
}

}  // namespace

absl::Status ProbeRecursiveReadOnly() {
  absl::Status st = ScratchTree();
  if (st.ok()) st = RecursiveReadOnlyBind();
  if (st.ok()) return st;
  return absl::Status(
      st.code(), absl::StrCat("a recursive read-only bind failed on kernel ",
                              KernelRelease(),
                              " (it needs mount_setattr, Linux 5.12 or later, "
                              "and CAP_SYS_ADMIN): ",
                              st.message()));
}

}  // namespace crisp::runtime::mounts
