// The mounts every container gets: containerd's defaults without /run (the
// CRI plugin drops it too) and with /dev/shm, /etc/hosts, /etc/resolv.conf
// and /etc/hostname taken from the pod.
#include <sys/stat.h>

#include "server/specgen/mounts.h"

namespace crisp::server::specgen {
namespace {

runtime::oci::Mount Kernel(const char* dest, const char* type,
                           std::vector<std::string> options) {
  return {dest, type, type, std::move(options)};
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

std::vector<runtime::oci::Mount> KernelMounts(bool privileged) {
  std::string sys_mode = privileged ? "rw" : "ro";
  return {
      Kernel("/proc", "proc", {"nosuid", "noexec", "nodev"}),
      {"/dev",
       "tmpfs",
       "tmpfs",
       {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      Kernel("/dev/pts", "devpts",
             {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
              "gid=5"}),
      Kernel("/dev/mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      Kernel("/sys", "sysfs", {"nosuid", "noexec", "nodev", sys_mode}),
      Kernel("/sys/fs/cgroup", "cgroup",
             {"nosuid", "noexec", "nodev", "relatime", sys_mode}),
  };
}

std::vector<runtime::oci::Mount> PodMounts(const sandbox::Pod& pod,
                                           bool readonly_rootfs,
                                           bool host_ipc) {
  std::string mode = readonly_rootfs ? "ro" : "rw";
  const std::pair<const char*, std::string> files[] = {
      {"/etc/hostname", pod.HostnameFile()},
      {"/etc/hosts", pod.Hosts()},
      {"/etc/resolv.conf", pod.ResolvConf()}};
  std::vector<runtime::oci::Mount> out;
  for (const auto& [dest, source] : files) {
    if (!Exists(source)) continue;
    out.push_back({dest, "bind", source, {"rbind", "rprivate", mode}});
  }
  // A bind keeps the source's flags; saying them again makes sure a shm
  // never allows suid binaries, devices or exec whatever the host did.
  std::string shm = host_ipc ? "/dev/shm" : pod.Shm();
  if (Exists(shm)) {
    out.push_back({"/dev/shm",
                   "bind",
                   shm,
                   {"rbind", "rprivate", "rw", "nosuid", "nodev", "noexec"}});
  }
  return out;
}

}  // namespace crisp::server::specgen
