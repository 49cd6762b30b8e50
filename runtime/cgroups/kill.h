// Signalling every process of a container's cgroup: what a stop needs when
// the container does not own its PID namespace (a pod's shared one, or the
// host's), where killing the init leaves its descendants running,
// re-parented to crisp-pause or the monitor (review M2). containerd's shim
// and runc's `kill --all` do the same.
//
// A pid read from cgroup.procs may exit and be reused by another process
// before it is signalled; so the cgroup is frozen meanwhile where it can be
// (no fork escapes), and each pid is signalled through a pidfd opened
// before the pid is confirmed, by a second read, to still be in the cgroup.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "runtime/cgroups/cgroup.h"

namespace crisp::runtime::cgroups {

enum class KillMethod {
  kAuto,        // kCgroupKill where the kernel has it, else freeze + signal
  kCgroupKill,  // cgroup2's cgroup.kill (Linux 5.14, v2 and hybrid nodes)
  kFreezeV2,    // cgroup.freeze of the cgroup2 dir, signal each, thaw
  kFreezeV1,    // the v1 freezer controller (if any), signal each, thaw
};

// Sends `signal` once to every process of the cgroup (crisp-runtime
// kill --all), frozen where possible.
[[nodiscard]] absl::Status SignalAll(const Cgroup& cg, int signal);

// SIGKILLs every process of the cgroup until none is left in any of its
// hierarchies (zombies are not listed); DeadlineExceeded, naming what is
// left, after `timeout`. Tests force a method; callers use kAuto.
[[nodiscard]] absl::Status KillAll(const Cgroup& cg, absl::Duration timeout,
                                   KillMethod method = KillMethod::kAuto);

// True when no hierarchy of the cgroup lists a process (or it is gone).
bool Empty(const Cgroup& cg);

}  // namespace crisp::runtime::cgroups
