// crisp-runtime exec [--process p.json | [flags] <id> cmd args...]: runs a
// new process in a running container; in the foreground, waits for it and
// exits with its code.
#include <sys/wait.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/exec.h"
#include "runtime/linux/state.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::cli {
namespace {

absl::Status ApplyFlags(const Args& args, oci::Process& p) {
  if (args.Has("cwd")) p.cwd = args.Get("cwd");
  for (const std::string& e : args.All("env")) p.env.push_back(e);
  p.terminal = args.Has("tty");
  if (args.Has("no-new-privs")) p.no_new_privileges = true;
  if (args.Has("user")) {
    std::vector<std::string> ug = absl::StrSplit(args.Get("user"), ':');
    if (!absl::SimpleAtoi(ug[0], &p.user.uid) ||
        (ug.size() > 1 && !absl::SimpleAtoi(ug[1], &p.user.gid))) {
      return absl::InvalidArgumentError("--user: expected uid[:gid]");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<oci::Process> ProcessFromArgs(const Args& args,
                                             const std::string& dir) {
  if (args.Has("process")) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(args.Get("process")));
    return oci::ParseProcess(text);
  }
  if (args.positional.size() < 2) {
    return absl::InvalidArgumentError("exec: a command or --process is needed");
  }
  ASSIGN_OR_RETURN(state::State s, state::Load(dir));
  ASSIGN_OR_RETURN(oci::Spec spec, oci::LoadBundle(s.bundle));
  oci::Process p =
      ExecProcess(spec, {args.positional.begin() + 1, args.positional.end()});
  RETURN_IF_ERROR(ApplyFlags(args, p));
  return p;
}

}  // namespace

absl::Status Exec(const Args& args, int* exit_code) {
  ExecProcessRequest req;
  ASSIGN_OR_RETURN(req.state_dir, args.StateDir());
  ASSIGN_OR_RETURN(req.process, ProcessFromArgs(args, req.state_dir));
  req.console_socket = args.Get("console-socket");
  if (req.process.terminal && req.console_socket.empty()) {
    return absl::InvalidArgumentError("--tty needs --console-socket");
  }
  ASSIGN_OR_RETURN(Executed e, runtime::Exec(req));
  RETURN_IF_ERROR(WritePidFile(args, e.pid));
  if (args.Has("detach")) return absl::OkStatus();
  int status = 0;
  while (waitpid(e.pid, &status, 0) < 0 && errno == EINTR) {
  }
  *exit_code = ExitCode(status);
  return absl::OkStatus();
}

}  // namespace crisp::runtime::cli
