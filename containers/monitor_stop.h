// Ending a container's monitor before its directory goes: a monitor that
// outlives the removal would write exit.json (and its sockets) into a
// directory being deleted, leaving it half there (issue 15).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace crisp::containers {

// Kills the init of the container in `dir` (its runtime state in
// `runtime_state_dir`), waits up to `grace` for its monitor (the process
// recorded in DIR/monitor.pid, checked by start time) to record the exit
// and leave, then SIGKILLs the monitor and waits until it is gone. OK when
// there is no monitor.
[[nodiscard]] absl::Status StopMonitor(const std::string& dir,
                                       const std::string& runtime_state_dir,
                                       absl::Duration grace);

}  // namespace crisp::containers
