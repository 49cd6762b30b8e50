// The record a monitor leaves when its container's init exits:
// BundleLayout::ExitJson() of the container dir, written atomically. crispd
// reads it (also after its own restart) to fill ContainerStatus.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace crisp::runtime::monitor {

struct ExitStatus {
  int exit_code = 0;        // 128+signal when killed, as shells report
  int signal = 0;           // the killing signal, 0 when it exited
  bool oom_killed = false;  // the cgroup counted an OOM kill
  int64_t started_at = 0;   // unix nanos
  int64_t finished_at = 0;  // unix nanos
  // Why the init failed after Start, before its execve (its command
  // missing, say); empty when the command ran.
  std::string cannot_run;
};

[[nodiscard]] absl::Status WriteExitStatus(const std::string& dir,
                                           const ExitStatus& status);
// NotFound while the container has not exited.
[[nodiscard]] absl::StatusOr<ExitStatus> ReadExitStatus(const std::string& dir);
// From a waitpid status.
ExitStatus FromWaitStatus(int wait_status);

}  // namespace crisp::runtime::monitor
