// One function per crisp-runtime verb, each in its own file.
#pragma once

#include "absl/status/status.h"
#include "common/status.h"
#include "runtime/cli/args.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {

// Each returns the status to report; *exit_code is the process exit code
// for run and exec (the container process's).
[[nodiscard]] absl::Status Create(const Args& args);
[[nodiscard]] absl::Status Start(const Args& args);
[[nodiscard]] absl::Status State(const Args& args);
[[nodiscard]] absl::Status Kill(const Args& args);
[[nodiscard]] absl::Status Delete(const Args& args);
[[nodiscard]] absl::Status Exec(const Args& args, int* exit_code);
[[nodiscard]] absl::Status Run(const Args& args, int* exit_code);
[[nodiscard]] absl::Status Ps(const Args& args);
[[nodiscard]] absl::Status Update(const Args& args);
[[nodiscard]] absl::Status Features(const Args& args);

// Shared by create and run: the request from --bundle, --console-socket.
[[nodiscard]] absl::StatusOr<runtime::InitRequest> MakeRequest(
    const Args& args);
// Writes --pid-file (atomically) if asked.
[[nodiscard]] absl::Status WritePidFile(const Args& args, int pid);
// waitpid-style status → shell exit code (128+signal).
int ExitCode(int wait_status);

}  // namespace crisp::runtime::cli
