// ExecSync: a command run to completion in a running container through
// `crisp-runtime exec` (a separate process: joining a container's
// namespaces needs a single-threaded process, and crispd has threads).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "runtime/runtime.h"

namespace crisp::containers {

struct ExecSyncRequest {
  std::string runtime_path;   // crisp-runtime
  std::string container_dir;  // a runtime::BundleLayout dir
  std::vector<std::string> command;
  absl::Duration timeout = absl::InfiniteDuration();
  size_t max_output = size_t{16} << 20;  // per stream; the rest is dropped
};

using ExecResult = runtime::ExecOutput;

// DeadlineExceeded after `timeout`, once the command and everything it
// started in its process group are killed.
[[nodiscard]] absl::StatusOr<ExecResult> ExecSync(
    const ExecSyncRequest& request);

}  // namespace crisp::containers
