// What crispd needs to drive crisp-monitor, safe to call from a
// multi-threaded daemon (posix_spawn, no fork): start a monitor and learn
// the container's init pid, find a running monitor again after a restart,
// ask it to reopen its log, connect to its attach socket.
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/process.h"
#include "common/unique_fd.h"

namespace crisp::runtime::monitor {

struct MonitorSpawn {
  std::string monitor_path;  // the crisp-monitor executable
  std::string id;
  std::string dir;       // the container dir (bundle, state/, exit.json)
  std::string log_path;  // the CRI log file
  size_t max_line = size_t{16} * 1024;
  bool stdin_open = false;
  bool start = false;  // exec at once instead of waiting for runtime::Start
  // How long the monitor may take to create the container and report. A
  // setup stuck in the kernel (a hung NFS hostPath) must not block
  // CreateContainer, and every retry of that name, forever (audit L9).
  absl::Duration report_timeout = absl::Minutes(2);
};

// Spawns crisp-monitor, waits for its "ok <pid>" / "error <msg>" line and
// reaps the short-lived starter; returns the container init's pid. The
// monitor itself is detached and outlives the caller. Without a report
// within report_timeout: DeadlineExceeded, after stopping the starter
// (SIGTERM, which makes it SIGKILL the monitor it forked, then SIGKILL)
// and reaping it.
[[nodiscard]] absl::StatusOr<pid_t> SpawnMonitor(const MonitorSpawn& spawn);

// The monitor serving `dir`, if it is still the process recorded in
// DIR/monitor.pid (NotFound otherwise: exited, or the pid was recycled).
[[nodiscard]] absl::StatusOr<ProcessId> FindMonitor(const std::string& dir);

// ReopenContainerLog: SIGUSR1 to the monitor.
[[nodiscard]] absl::Status ReopenLog(const std::string& dir);

// A connection to DIR/attach.sock (frames of attach.h).
[[nodiscard]] absl::StatusOr<UniqueFd> ConnectAttach(const std::string& dir);

}  // namespace crisp::runtime::monitor
