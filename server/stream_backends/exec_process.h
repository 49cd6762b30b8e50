// `crisp-runtime exec` started for an exec stream (a separate process:
// joining a container's namespaces needs a single-threaded one). Its pid
// file tells the started command from crisp-runtime's own failure, and
// names the process to kill when the client goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp::server::stream_backends {

struct ExecSpawn {
  std::string runtime_path;
  std::string container_dir;  // a runtime::BundleLayout dir
  std::vector<std::string> command;
  bool tty = false;
  bool stdin = false, stdout = false;
  std::string console_socket;  // tty: where the pty master is sent
  std::string pid_file;
};

struct ExecChild {
  pid_t pid = 0;
  UniqueFd pidfd;  // readable once crisp-runtime exits
  // Non-blocking; absent when not asked for. stderr is always a pipe: it
  // carries crisp-runtime's own errors too.
  UniqueFd stdin_w, stdout_r, stderr_r;
};

[[nodiscard]] absl::StatusOr<ExecChild> SpawnExec(const ExecSpawn& spawn);

// SIGKILL to the command (by its pid file) or else to crisp-runtime's
// process group, then reaps crisp-runtime; returns its wait status.
int KillAndReap(const ExecChild& child, const std::string& pid_file);
// Reaps an exited crisp-runtime: its exit code (128+signal if killed).
int Reap(pid_t pid);

}  // namespace crisp::server::stream_backends
