#include "server/specgen/apparmor_default.h"

#include "absl/strings/str_replace.h"

namespace crisp::server::specgen {
namespace {

// ABI 3.0 pinned: under the 4.0 ABI "network," no longer covers unix
// sockets, which would break most workloads.
constexpr char kTemplate[] = R"(abi <abi/3.0>,

@{PROC}=/proc/

profile NAME flags=(attach_disconnected,mediate_deleted) {
  network,
  capability,
  file,
  umount,

  # crispd, crisp-monitor and crisp-runtime run unconfined and signal the
  # container; the container's processes signal each other.
  signal (receive) peer=unconfined,
  signal (send,receive) peer=NAME,
  # ps and debuggers inside the container; nothing across profiles.
  ptrace (trace,read,tracedby,readby) peer=NAME,

  # No new mounts: the runtime made every mount before the execve.
  deny mount,
  deny pivot_root,

  # /proc: writes only to the process directories and to /proc/sys/net
  # (namespaced); the rest of /proc/sys is host-wide.
  deny @{PROC}/* w,
  deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w,
  deny @{PROC}/sys/[^n]** w,
  deny @{PROC}/sys/n[^e]** w,
  deny @{PROC}/sys/ne[^t]** w,
  deny @{PROC}/sysrq-trigger rwklx,
  deny @{PROC}/kcore rwklx,
  deny @{PROC}/kmem rwklx,
  deny @{PROC}/mem rwklx,

  # /sys: read-only except the container's own cgroup files.
  deny /sys/[^f]*/** wklx,
  deny /sys/f[^s]*/** wklx,
  deny /sys/fs/[^c]*/** wklx,
  deny /sys/fs/c[^g]*/** wklx,
  deny /sys/fs/cg[^r]*/** wklx,
  deny /sys/firmware/** rwklx,
  deny /sys/devices/virtual/powercap/** rwklx,
  deny /sys/kernel/security/** rwklx,
}
)";

}  // namespace

std::string DefaultAppArmorProfileText() {
  return absl::StrReplaceAll(kTemplate, {{"NAME", kDefaultAppArmorProfile}});
}

}  // namespace crisp::server::specgen
