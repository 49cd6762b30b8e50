#include "containers/monitor_stop.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/process.h"
#include "runtime/linux/container.h"
#include "runtime/linux/state.h"
#include "runtime/monitor/client.h"

namespace crisp::containers {
namespace {

// A zombie is gone too: crispd is not the monitor's parent, and the
// process that is may never reap it.
bool Gone(const ProcessId& id) {
  return !ProcessAlive(id) || runtime::state::ProcessExited(id.pid);
}

bool WaitGone(const ProcessId& id, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (!Gone(id)) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
  return true;
}

}  // namespace

absl::Status StopMonitor(const std::string& dir,
                         const std::string& runtime_state_dir,
                         absl::Duration grace) {
  auto monitor = runtime::monitor::FindMonitor(dir);
  if (!monitor.ok()) return absl::OkStatus();       // none, or already gone
  (void)runtime::Kill(runtime_state_dir, SIGKILL);  // may be gone already
  if (WaitGone(*monitor, grace)) return absl::OkStatus();
  // Through a pidfd of the recorded process: never a recycled pid.
  if (auto pidfd = OpenProcess(*monitor); pidfd.ok()) {
    (void)syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0);
  }
  if (WaitGone(*monitor, absl::Seconds(10))) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(
      "monitor ", monitor->pid, " of ", dir, " did not exit after SIGKILL"));
}

}  // namespace crisp::containers
