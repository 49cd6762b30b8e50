// crisp-runtime run [--detach] --bundle <dir> <id>: create and start in one
// go; in the foreground, wait for the init and exit with its code, then
// delete the container.
#include <sys/wait.h>

#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {

absl::Status Run(const Args& args, int* exit_code) {
  ASSIGN_OR_RETURN(runtime::InitRequest req, MakeRequest(args));
  req.wait_for_start = false;
  ASSIGN_OR_RETURN(Created created, runtime::Create(req));
  RETURN_IF_ERROR(WritePidFile(args, created.init.pid));
  RETURN_IF_ERROR(runtime::PostStart(req.state_dir));
  if (args.Has("detach")) return absl::OkStatus();
  int status = 0;
  while (waitpid(created.init.pid, &status, 0) < 0 && errno == EINTR) {
  }
  *exit_code = ExitCode(status);
  return runtime::Delete(req.state_dir, /*force=*/true);
}

}  // namespace crisp::runtime::cli
