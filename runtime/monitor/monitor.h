// crisp-monitor's core: creates one container through the library, holds
// its stdio (pipes, or the pty of a terminal container), writes the CRI
// log, serves the attach socket, reaps the init and records its exit. A
// container without a PID namespace of its own ends with its init: the
// rest of its cgroup is killed before the exit is recorded.
//
// Its files in the container dir (--dir) are named by runtime/bundle.h:
// the runtime state dir, the attach socket (attach.h), monitor.pid and,
// written last, the exit record (exit_status.h).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/unique_fd.h"
#include "runtime/linux/container.h"
#include "runtime/monitor/attach_hub.h"
#include "runtime/monitor/cri_log.h"

namespace crisp::runtime::monitor {

struct MonitorOptions {
  std::string id;
  std::string bundle;
  std::string dir;
  std::string log_path;
  size_t max_line = size_t{16} * 1024;
  bool stdin_open = false;  // keep a stdin pipe for attach clients
  bool start = false;       // exec at once instead of waiting for Start
};

class Monitor {
 public:
  explicit Monitor(MonitorOptions o)
      : o_(std::move(o)), log_(o_.log_path, o_.max_line) {}
  // Creates the container (held at its exec fifo unless options.start).
  [[nodiscard]] absl::Status Create();
  pid_t init_pid() const { return created_.init.pid; }
  // Serves until the init exits, then writes exit.json.
  [[nodiscard]] absl::Status Run();

 private:
  [[nodiscard]] absl::Status OpenStdio(InitRequest& req);
  [[nodiscard]] absl::Status BlockSignalsEarly();
  bool PumpOutput(int fd, bool is_stderr);
  [[nodiscard]] absl::Status ServeAttach();
  void Drain();
  void KillRest();
  [[nodiscard]] absl::Status Finish(int wait_status);

  MonitorOptions o_;
  CriLog log_;
  Created created_;
  UniqueFd stdin_w_, stdout_r_, stderr_r_;  // or stdout_r_ = pty master
  UniqueFd signals_;
  AttachHub attach_;
  bool terminal_ = false;
  bool kill_rest_on_exit_ = false;  // no PID namespace of its own
  int64_t started_at_ = 0;
};

}  // namespace crisp::runtime::monitor
