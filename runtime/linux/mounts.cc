#include "runtime/linux/mounts.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/cgroups/layout.h"
#include "runtime/linux/mount_options.h"
#include "runtime/linux/paths.h"

namespace crisp::runtime::mounts {
namespace {

// Flags the kernel locks on a bind mount made in a user namespace; a
// remount must repeat them or fail with EPERM.
unsigned long LockedFlags(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) return 0;
  unsigned long f = 0;
  if (st.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) f |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (st.f_flag & ST_RDONLY) f |= MS_RDONLY;
  return f;
}

absl::Status Sys(int rc, const oci::Mount& m, absl::string_view step) {
  if (rc == 0) return absl::OkStatus();
  return LastErrno(absl::StrCat(step, " ", m.destination));
}

absl::Status AfterMount(const MountContext& ctx, const oci::Mount& m,
                        const MountOptions& o) {
  ASSIGN_OR_RETURN(UniqueFd top,
                   paths::OpenInRoot(ctx.root_fd, m.destination, O_PATH));
  std::string path = paths::FdPath(top.get());
  if (o.bind && (o.flags & ~MS_REMOUNT) != 0) {
    unsigned long f = MS_BIND | MS_REMOUNT | o.flags;
    if (ctx.user_namespace) f |= LockedFlags(path) & ~MS_RDONLY;
    RETURN_IF_ERROR(
        Sys(mount("", path.c_str(), "", f, nullptr), m, "remount bind"));
  }
  if (o.recursive_ro) {
    struct mount_attr attr = {};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    long rc = syscall(SYS_mount_setattr, top.get(), "",
                      AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
    RETURN_IF_ERROR(Sys(static_cast<int>(rc), m, "mount_setattr rro"));
  }
  if (o.propagation != 0) {
    RETURN_IF_ERROR(Sys(mount("", path.c_str(), "", o.propagation, nullptr), m,
                        "set propagation of"));
  }
  return absl::OkStatus();
}

// A cgroup file system inside the container: a tmpfs with one cgroup mount
// per v1 hierarchy (and the unified one), or cgroup2 on a unified host.
absl::Status MountCgroup(const MountContext& ctx, const oci::Mount& m,
                         const MountOptions& o, const std::string& target) {
  ASSIGN_OR_RETURN(auto layout, cgroups::DetectLayout());
  unsigned long flags = o.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (layout.mode == cgroups::Mode::kUnified) {
    return Sys(mount("cgroup2", target.c_str(), "cgroup2", flags, nullptr), m,
               "mount cgroup2 on");
  }
  RETURN_IF_ERROR(Sys(mount("tmpfs", target.c_str(), "tmpfs",
                            MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"),
                      m, "mount cgroup tmpfs on"));
  std::map<std::string, std::string> dirs;  // mount basename → options
  for (const auto& [ctrl, mnt] : layout.v1_mounts) {
    std::string& opts = dirs[mnt.substr(mnt.rfind('/') + 1)];
    opts += (opts.empty() ? "" : ",") + ctrl;
  }
  for (const auto& [dir, opts] : dirs) {
    std::string d = absl::StrCat(m.destination, "/", dir);
    ASSIGN_OR_RETURN(UniqueFd fd, paths::CreateInRoot(ctx.root_fd, d, true));
    std::string data = dir == "systemd" ? "none,name=systemd" : opts;
    RETURN_IF_ERROR(Sys(mount("cgroup", paths::FdPath(fd.get()).c_str(),
                              "cgroup", flags, data.c_str()),
                        m, "mount cgroup v1 under"));
  }
  if (layout.unified_mount.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(
      UniqueFd u,
      paths::CreateInRoot(ctx.root_fd, m.destination + "/unified", true));
  return Sys(mount("cgroup2", paths::FdPath(u.get()).c_str(), "cgroup2", flags,
                   nullptr),
             m, "mount cgroup2 under");
}

absl::Status MountOne(const MountContext& ctx, const oci::Mount& m) {
  MountOptions o = ParseOptions(m.options);
  bool directory = true;
  if (o.bind) {
    struct stat st;
    if (stat(m.source.c_str(), &st) != 0) {
      return LastErrno(absl::StrCat("stat bind source ", m.source));
    }
    directory = S_ISDIR(st.st_mode);
  }
  ASSIGN_OR_RETURN(UniqueFd target,
                   paths::CreateInRoot(ctx.root_fd, m.destination, directory));
  std::string path = paths::FdPath(target.get());
  if (m.type == "cgroup") return MountCgroup(ctx, m, o, path);
  if (o.bind) {
    unsigned long f = MS_BIND | (o.recursive ? MS_REC : 0);
    RETURN_IF_ERROR(Sys(mount(m.source.c_str(), path.c_str(), "", f, nullptr),
                        m, "bind mount on"));
    return AfterMount(ctx, m, o);
  }
  int rc =
      mount(m.source.c_str(), path.c_str(), m.type.c_str(),
            o.flags & ~MS_REMOUNT, o.data.empty() ? nullptr : o.data.c_str());
  if (rc != 0 && errno == EPERM && m.type == "sysfs") {
    // sysfs may not be mounted in a user namespace without its own netns.
    rc = mount("/sys", path.c_str(), "", MS_BIND | MS_REC, nullptr);
    o.bind = true;
  }
  RETURN_IF_ERROR(Sys(rc, m, absl::StrCat("mount ", m.type, " on")));
  return AfterMount(ctx, m, o);
}

}  // namespace

absl::Status MountAll(const MountContext& ctx,
                      const std::vector<oci::Mount>& mounts) {
  for (const oci::Mount& m : mounts) {
    RETURN_IF_ERROR(MountOne(ctx, m));
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::mounts
