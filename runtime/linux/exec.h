// Exec into a running container: an intermediate process joins the init's
// cgroup and namespaces (user first, mount last), forks the new process
// inside the pid namespace, reports its pid and exits; the new process
// applies the process spec (user, capabilities, no_new_privs, seccomp, LSM,
// env, cwd, optional terminal) and execs. The caller becomes a child
// subreaper so that it can wait for that process.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime {

struct ExecProcessRequest {
  std::string state_dir;
  oci::Process process;
  std::string console_socket;  // terminal: where the pty master goes
  int stdio[3] = {0, 1, 2};
  // Tests only: runs after the container was found running and before its
  // init's namespaces are looked up, where a recycled init pid is met.
  std::function<void()> before_join;
};

struct Executed {
  pid_t pid = 0;
  UniqueFd pty_master;  // terminal && console_socket empty
};

[[nodiscard]] absl::StatusOr<Executed> Exec(const ExecProcessRequest& request);

// The container's process spec with an exec's overrides applied.
oci::Process ExecProcess(const oci::Spec& spec,
                         const std::vector<std::string>& args);

}  // namespace crisp::runtime
