#include "server/stream_backends/exec_process.h"

#include "common/status.h"
#include "common/subprocess.h"
#include "runtime/exec_command.h"

namespace crisp::server::stream_backends {
namespace {

subprocess::Stdio PipeOrNull(bool pipe) {
  return pipe ? subprocess::Stdio::Pipe() : subprocess::Stdio::Null();
}

}  // namespace

absl::StatusOr<ExecChild> SpawnExec(const ExecSpawn& s) {
  runtime::ExecLine exec{.container_dir = s.container_dir,
                         .pid_file = s.pid_file,
                         .command = s.command,
                         .tty = s.tty,
                         .console_socket = s.console_socket};
  // stderr is always a pipe: it carries crisp-runtime's own errors too.
  // Its own process group, so that all it started can be killed.
  ASSIGN_OR_RETURN(subprocess::Child child,
                   subprocess::Spawn({.path = s.runtime_path,
                                      .argv = runtime::ExecArgv(exec),
                                      .in = PipeOrNull(s.stdin && !s.tty),
                                      .out = PipeOrNull(s.stdout && !s.tty),
                                      .err = subprocess::Stdio::Pipe(),
                                      .new_process_group = true,
                                      .nonblocking = true}));
  return ExecChild{.pid = child.pid,
                   .pidfd = std::move(child.pidfd),
                   .stdin_w = std::move(child.in),
                   .stdout_r = std::move(child.out),
                   .stderr_r = std::move(child.err)};
}

int Reap(pid_t pid) { return subprocess::ExitCode(subprocess::Wait(pid)); }

int KillAndReap(const ExecChild& child, const std::string& pid_file) {
  runtime::KillExec(child.pid, pid_file);
  return Reap(child.pid);
}

}  // namespace crisp::server::stream_backends
