// crisp-runtime create <id> --bundle <dir> [--console-socket s]
// [--pid-file f]: the init waits at its exec fifo until `start`.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::cli {

absl::Status WritePidFile(const Args& args, int pid) {
  if (!args.Has("pid-file")) return absl::OkStatus();
  return WriteFileAtomic(args.Get("pid-file"), absl::StrCat(pid), 0644);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

absl::StatusOr<runtime::InitRequest> MakeRequest(const Args& args) {
  runtime::InitRequest req;
  ASSIGN_OR_RETURN(req.state_dir, args.StateDir());
  req.id = args.positional[0];
  req.bundle = args.Get("bundle", ".");
  if (req.bundle[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) return LastErrno("getcwd");
    req.bundle = req.bundle == "." ? cwd : absl::StrCat(cwd, "/", req.bundle);
  }
  ASSIGN_OR_RETURN(req.spec, oci::LoadBundle(req.bundle));
  req.console_socket = args.Get("console-socket");
  if (req.spec.process->terminal && req.console_socket.empty() &&
      args.verb == "create") {
    return absl::InvalidArgumentError(
        "process.terminal is set: --console-socket is required");
  }
  RETURN_IF_ERROR(MakeDirs(args.Get("root", "/run/crisp-runtime"), 0700));
  return req;
}

absl::Status Create(const Args& args) {
  ASSIGN_OR_RETURN(runtime::InitRequest req, MakeRequest(args));
  ASSIGN_OR_RETURN(Created created, runtime::Create(req));
  return WritePidFile(args, created.init.pid);
}

}  // namespace crisp::runtime::cli
