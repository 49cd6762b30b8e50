// `crisp-runtime exec` as crispd runs it (ExecSync and exec streams): a
// separate process, since joining a container's namespaces needs a
// single-threaded one. One builder for its command line, and one way to
// kill it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace crisp::runtime {

// One `crisp-runtime exec` invocation (runtime.h's ExecCommand is what the
// caller asks to run; this is how crispd spells it for crisp-runtime).
struct ExecLine {
  std::string container_dir;  // a BundleLayout's dir
  std::string pid_file;       // BundleLayout::ExecPidFile
  std::vector<std::string> command;
  bool tty = false;
  std::string console_socket;  // tty: where the pty master is sent
};

// argv of `crisp-runtime --root <dir> exec --pid-file <file> [--tty
// --console-socket <socket> --env TERM=xterm] state <command...>`.
std::vector<std::string> ExecArgv(const ExecLine& exec);

// The command runs in the container's PID namespace, outside
// crisp-runtime's process group: it is killed by the pid crisp-runtime
// wrote to `pid_file` (valid while crisp-runtime, its parent, has not
// reaped it), and crisp-runtime then reaps it and exits, so no zombie is
// left to the pod's init. Only when no pid was written yet is
// crisp-runtime's process group (`runtime_pid`) killed instead. Does not
// reap crisp-runtime.
void KillExec(pid_t runtime_pid, const std::string& pid_file);

}  // namespace crisp::runtime
