// The infra process of a pod that shares one PID namespace: crisp-pause,
// started without fork (posix_spawn, safe in crispd's threads), pinned like
// the other namespaces, and stopped by its recorded pid and start time.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/process.h"

namespace crisp::sandbox {

// Creates `pin_file` and starts crisp-pause on it; on failure nothing is
// left.
[[nodiscard]] absl::StatusOr<ProcessId> StartInfra(
    const std::string& pause_path, const std::string& pin_file);

// The init of the PID namespace pinned at `pin_file` (its pid 1), found
// through /proc when no pid was recorded (a create killed before it could
// save one); {0, 0} when there is none.
ProcessId FindInfra(const std::string& pin_file);

// Kills the infra (only if it is still that process) and unpins. Repeats
// safely.
[[nodiscard]] absl::Status StopInfra(const ProcessId& infra,
                                     const std::string& pin_file);

}  // namespace crisp::sandbox
