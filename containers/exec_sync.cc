#include "containers/exec_sync.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/id.h"
#include "common/subprocess.h"
#include "runtime/bundle.h"
#include "runtime/exec_command.h"

namespace crisp::containers {

absl::StatusOr<ExecResult> ExecSync(const ExecSyncRequest& r) {
  if (r.command.empty()) return absl::InvalidArgumentError("exec: no command");
  runtime::ExecLine exec{
      .container_dir = r.container_dir,
      .pid_file = runtime::BundleLayout(r.container_dir)
                      .ExecPidFile(GenerateId().substr(0, 16)),
      .command = r.command};
  // Its own process group, so a timeout kills all it started.
  auto run = subprocess::Run({.path = r.runtime_path,
                              .argv = runtime::ExecArgv(exec),
                              .out = subprocess::Stdio::Pipe(),
                              .err = subprocess::Stdio::Pipe(),
                              .new_process_group = true},
                             {.timeout = r.timeout,
                              .max_out = r.max_output,
                              .max_err = r.max_output,
                              .stop = [&](const subprocess::Child& child) {
                                runtime::KillExec(child.pid, exec.pid_file);
                              }});
  unlink(exec.pid_file.c_str());
  if (!run.ok()) return run.status();
  if (run->timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat("exec of \"", absl::StrJoin(r.command, " "),
                     "\" timed out after ", absl::FormatDuration(r.timeout)));
  }
  return ExecResult{.out = std::move(run->out),
                    .err = std::move(run->err),
                    .exit_code = subprocess::ExitCode(run->wait_status)};
}

}  // namespace crisp::containers
