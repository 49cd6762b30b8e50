#include "containers/monitor_runtime.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/process.h"
#include "common/status.h"
#include "containers/exec_sync.h"
#include "containers/monitor_stop.h"
#include "runtime/bundle.h"
#include "runtime/linux/container.h"
#include "runtime/linux/state.h"
#include "runtime/monitor/client.h"
#include "runtime/monitor/exit_status.h"

namespace crisp::containers {
namespace {

// The runtime library's state of the container in `c.dir`.
std::string StateDir(const runtime::ContainerRef& c) {
  return runtime::BundleLayout(c.dir).StateDir();
}

}  // namespace

absl::Status MonitorRuntime::Create(const runtime::BundleCreate& request) {
  runtime::monitor::MonitorSpawn spawn;
  spawn.monitor_path = options_.monitor_path;
  spawn.id = request.container.id;
  spawn.dir = request.container.dir;
  spawn.log_path = request.log_path;
  spawn.stdin_open = request.stdin_open;
  return runtime::monitor::SpawnMonitor(spawn).status();
}

absl::Status MonitorRuntime::Start(const runtime::ContainerRef& c) {
  return runtime::Start(StateDir(c));
}

absl::Status MonitorRuntime::Kill(const runtime::ContainerRef& c, int signal) {
  return runtime::Kill(StateDir(c), signal);
}

// The monitor goes first: one that outlived the removal would write its
// exit record into a directory being deleted.
absl::Status MonitorRuntime::Delete(const runtime::ContainerRef& c) {
  absl::Status stopped = StopMonitor(c.dir, StateDir(c), absl::Seconds(5));
  absl::Status deleted = runtime::Delete(StateDir(c), /*force=*/true);
  if (absl::IsNotFound(deleted)) deleted = absl::OkStatus();
  if (stopped.ok()) return deleted;
  if (deleted.ok()) return stopped;
  return absl::Status(stopped.code(),
                      absl::StrCat(stopped.message(), "; ", deleted.message()));
}

absl::StatusOr<runtime::InitState> MonitorRuntime::State(
    const runtime::ContainerRef& c) {
  auto state = runtime::state::Load(StateDir(c));
  if (!state.ok()) return state.status();
  std::string status = runtime::state::StatusOf(StateDir(c), *state);
  if (status == "running") return runtime::InitState::kRunning;
  if (status == "created") return runtime::InitState::kCreated;
  return runtime::InitState::kStopped;
}

bool MonitorRuntime::Held(const runtime::ContainerRef& c) {
  return runtime::monitor::FindMonitor(c.dir).ok();
}

absl::StatusOr<runtime::ExitRecord> MonitorRuntime::Exit(
    const runtime::ContainerRef& c) {
  auto exit = runtime::monitor::ReadExitStatus(c.dir);
  if (!exit.ok()) return exit.status();
  return runtime::ExitRecord{.exit_code = exit->exit_code,
                             .oom_killed = exit->oom_killed,
                             .started_at = exit->started_at,
                             .finished_at = exit->finished_at,
                             .cannot_run = std::move(exit->cannot_run)};
}

bool MonitorRuntime::WaitForExit(const runtime::ContainerRef& c,
                                 absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (true) {
    if (runtime::monitor::ReadExitStatus(c.dir).ok()) return true;
    // Gone: a remove (which kills first) won while we waited unlocked.
    if (access(c.dir.c_str(), F_OK) != 0 && errno == ENOENT) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
}

absl::StatusOr<UniqueFd> MonitorRuntime::HolderFd(
    const runtime::ContainerRef& c) {
  ASSIGN_OR_RETURN(ProcessId monitor, runtime::monitor::FindMonitor(c.dir));
  return OpenProcess(monitor);
}

absl::StatusOr<int> MonitorRuntime::InitPid(const runtime::ContainerRef& c) {
  ASSIGN_OR_RETURN(runtime::state::State s, runtime::state::Load(StateDir(c)));
  return s.init.pid;
}

absl::StatusOr<runtime::ExecOutput> MonitorRuntime::Exec(
    const runtime::ContainerRef& c, const runtime::ExecCommand& command) {
  return ExecSync({options_.runtime_path, c.dir, command.argv, command.timeout,
                   command.max_output});
}

absl::Status MonitorRuntime::Update(const runtime::ContainerRef& c,
                                    const runtime::oci::Resources& resources) {
  return runtime::Update(StateDir(c), resources);
}

absl::StatusOr<runtime::cgroups::Stats> MonitorRuntime::Stats(
    const runtime::ContainerRef& c) {
  return runtime::ReadStats(StateDir(c));
}

absl::Status MonitorRuntime::ReopenLog(const runtime::ContainerRef& c) {
  return runtime::monitor::ReopenLog(c.dir);
}

}  // namespace crisp::containers
