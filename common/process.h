// A process is named by its pid and its start time (field 22 of
// /proc/<pid>/stat), as crun's status files do, so that after a restart no
// signal ever reaches a recycled pid.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace crisp {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time = 0;  // clock ticks since boot
  bool operator==(const ProcessId&) const = default;
};

// Start time of `pid` in clock ticks since boot; NotFound if it is gone.
[[nodiscard]] absl::StatusOr<uint64_t> ProcessStartTime(pid_t pid);

// True only when `id.pid` is alive and is still the same process.
bool ProcessAlive(const ProcessId& id);

// Wall-clock time as nanoseconds since the Unix epoch.
int64_t NowUnixNanos();

}  // namespace crisp
