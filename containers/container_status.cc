#include "containers/container_status.h"

namespace crisp::containers {

void SetExitReason(const runtime::ExitRecord& exit, ContainerStatus& s) {
  if (!exit.cannot_run.empty()) {
    s.reason = "ContainerCannotRun";
    s.message = exit.cannot_run;
    return;
  }
  s.reason = exit.oom_killed       ? "OOMKilled"
             : exit.exit_code == 0 ? "Completed"
                                   : "Error";
}

bool RuntimeRunning(runtime::Runtime& rt, const Container& c) {
  auto state = rt.State(c.Ref());
  return state.ok() && *state == runtime::InitState::kRunning;
}

ContainerStatus ReadStatus(runtime::Runtime& rt, const Container& c) {
  ContainerStatus s;
  s.started_at = c.started_unix_nanos;
  auto exit = rt.Exit(c.Ref());
  if (exit.ok()) {
    s.state = ContainerState::kExited;
    s.exit_code = exit->exit_code;
    if (s.started_at == 0) s.started_at = exit->started_at;
    s.finished_at = exit->finished_at;
    SetExitReason(*exit, s);
    return s;
  }
  if (rt.Held(c.Ref())) {
    s.state = c.started_unix_nanos > 0 || RuntimeRunning(rt, c)
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
