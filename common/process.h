// A process is named by its pid and its start time (field 22 of
// /proc/<pid>/stat), as crun's status files do, so that after a restart no
// signal ever reaches a recycled pid. The start time counts clock ticks
// (10 ms): a pid recycled within the same tick would pass for the process.
// Where pidfds live on pidfs (Linux 6.9+), the pidfd's inode number is
// unique for the boot and is recorded too; it decides when known.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time = 0;  // clock ticks since boot
  uint64_t pidfs_ino = 0;   // inode of its pidfd on pidfs; 0 when unknown
  bool operator==(const ProcessId&) const = default;
};

// Start time of `pid` in clock ticks since boot; NotFound if it is gone.
[[nodiscard]] absl::StatusOr<uint64_t> ProcessStartTime(pid_t pid);

// True only when `id.pid` is alive (or a zombie) and is still the same
// process.
bool ProcessAlive(const ProcessId& id);

// The identity of the process behind `pidfd`, whose pid is `pid`: read
// while the pidfd holds it, so it is that process's (NotFound if gone).
[[nodiscard]] absl::StatusOr<ProcessId> IdentifyProcess(pid_t pid, int pidfd);

// The identity of `pid` now, through a pidfd held only while it is read
// (NotFound if the pid is gone).
[[nodiscard]] absl::StatusOr<ProcessId> IdentifyProcess(pid_t pid);

// A pidfd of `id`'s process, opened before its identity is checked: the fd
// names exactly the process that was checked, so a signal or a setns
// through it never reaches another process that got the pid. NotFound when
// the pid is gone or names another process.
[[nodiscard]] absl::StatusOr<UniqueFd> OpenProcess(const ProcessId& id);

// Wall-clock time as nanoseconds since the Unix epoch.
int64_t NowUnixNanos();

}  // namespace crisp
