#include "containers/container_wait.h"

#include <errno.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "runtime/monitor/client.h"
#include "runtime/monitor/exit_status.h"
#include "runtime/state.h"

namespace crisp::containers {

bool WaitForExit(const std::string& dir, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (true) {
    if (runtime::monitor::ReadExitStatus(dir).ok()) return true;
    // Gone: a remove (which kills first) won while we waited unlocked.
    if (access(dir.c_str(), F_OK) != 0 && errno == ENOENT) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
}

bool RuntimeRunning(const Container& c) {
  auto state = runtime::state::Load(c.RuntimeStateDir());
  return state.ok() &&
         runtime::state::StatusOf(c.RuntimeStateDir(), *state) == "running";
}

ContainerStatus ReadStatus(const Container& c) {
  ContainerStatus s;
  s.started_at = c.started_unix_nanos;
  auto exit = runtime::monitor::ReadExitStatus(c.dir);
  if (exit.ok()) {
    s.state = ContainerState::kExited;
    s.exit_code = exit->exit_code;
    if (s.started_at == 0) s.started_at = exit->started_at;
    s.finished_at = exit->finished_at;
    s.reason = exit->oom_killed       ? "OOMKilled"
               : exit->exit_code == 0 ? "Completed"
                                      : "Error";
    return s;
  }
  if (runtime::monitor::FindMonitor(c.dir).ok()) {
    s.state = c.started_unix_nanos > 0 || RuntimeRunning(c)
                  ? ContainerState::kRunning
                  : ContainerState::kCreated;
    return s;
  }
  s.state = ContainerState::kExited;
  s.exit_code = 255;
  s.reason = "Unknown";
  s.message = "the container's monitor is gone and left no exit record";
  return s;
}

}  // namespace crisp::containers
