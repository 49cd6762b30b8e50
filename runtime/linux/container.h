// The runtime library's entry points: create a container from a bundle's
// spec (held at its exec fifo until Start, as runc does), start it, wait
// for it, signal it, and delete what it left. crisp-runtime and
// crisp-monitor are thin fronts over these.
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/process.h"
#include "common/unique_fd.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime {

struct InitRequest {
  std::string id;
  std::string bundle;
  oci::Spec spec;         // loaded and validated (oci::LoadBundle)
  std::string state_dir;  // <root>/<id>; made here, removed on failure
  // Terminal containers: the pty master is sent to this unix socket (runc's
  // --console-socket), or returned in Created::pty_master when empty.
  std::string console_socket;
  bool wait_for_start = true;  // hold the init at exec.fifo until Start
  // Look the executable up after Start instead of before "ready": a missing
  // command then fails the start, not the create. A CRI runtime creates at
  // CreateContainer, and kubelet expects StartContainer to fail for it (the
  // container exits, ContainerCannotRun); runc's create fails instead.
  bool lookup_after_start = false;
  int stdio[3] = {0, 1, 2};  // the init's stdio when there is no terminal
};

struct Created {
  ProcessId init;
  UniqueFd pidfd;       // of the init, for poll() and waitid(P_PIDFD)
  UniqueFd pty_master;  // terminal && console_socket empty
  std::string cgroup_path;
  // The create's channel: a failure of the init after Start (its command
  // missing, its execve refused) arrives here as a sync::Kind::kError.
  UniqueFd sync;
};

// The default cgroup path of a container: linux.cgroupsPath or /crisp/<id>.
std::string CgroupPath(const oci::Spec& spec, const std::string& id);

// Runs every step of the recipe (container_create.cc); on failure nothing
// is left behind: no process, cgroup, mount or state dir.
[[nodiscard]] absl::StatusOr<Created> Create(const InitRequest& request);

// Releases a created container's init into execve (opens its exec fifo)
// and waits for that execve: an init that fails after its release (its
// command missing or refused) makes Start fail with its cause, and exits.
[[nodiscard]] absl::Status Start(const std::string& state_dir);

// The poststart hooks (Start runs them; `run` calls this itself).
[[nodiscard]] absl::Status PostStart(const std::string& state_dir);

// kill(2) of the init, only if it is still the recorded process. SIGKILL
// to a container without a PID namespace of its own (a pod's shared one,
// the host's) goes to every process of its cgroup, since the init's
// descendants would outlive it, and returns once none is left (KillAll);
// a container already stopped still gets FailedPrecondition after that.
[[nodiscard]] absl::Status Kill(const std::string& state_dir, int signal);

// SIGKILLs every process of the container's cgroup and waits, at most
// `timeout`, until none is left (cgroups/kill.h).
[[nodiscard]] absl::Status KillAll(const std::string& state_dir,
                                   absl::Duration timeout);

// `signal` to every process of the container's cgroup, frozen meanwhile
// where the node has a freezer (crisp-runtime kill --all).
[[nodiscard]] absl::Status SignalAll(const std::string& state_dir, int signal);

// Whether the bundle's spec gives the container a PID namespace of its own,
// whose end (the init's) the kernel turns into the end of every process in
// it. Without one the container's processes must be killed one by one.
bool OwnsPidNamespace(const oci::Spec& spec);

// Kills what is left of the container (force, or when it is stopped),
// removes its cgroup and state dir. FailedPrecondition if it still runs
// and !force.
[[nodiscard]] absl::Status Delete(const std::string& state_dir, bool force);

// The resources of a running container (crisp-runtime update).
[[nodiscard]] absl::Status Update(const std::string& state_dir,
                                  const oci::Resources& resources);
[[nodiscard]] absl::StatusOr<cgroups::Stats> ReadStats(
    const std::string& state_dir);
[[nodiscard]] absl::StatusOr<std::vector<pid_t>> Processes(
    const std::string& state_dir);

}  // namespace crisp::runtime
