// The runtime seam: what the container lifecycle (containers/) asks of
// whatever runs a container, shaped after the OCI runtime verbs (create
// from a bundle, start, kill, delete, state) plus the exit record, exec,
// update, stats and log reopening a CRI runtime needs. The built-in
// runtime driven through crisp-monitor implements it
// (containers/monitor_runtime.h), an external OCI binary can, and tests
// use a fake (tests/fakes/fake_runtime.h), so lifecycles are testable
// without root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime {

// A container as a runtime knows it: its id and its directory, which holds
// the bundle (config.json beside the rootfs) and the runtime's own state.
struct ContainerRef {
  std::string id;
  std::string dir;
};

struct BundleCreate {
  ContainerRef container;
  std::string log_path;  // the CRI log file; empty for none
  bool stdin_open = false;
};

// The init as the runtime sees it (the OCI state verb's "status").
enum class InitState { kCreated, kRunning, kStopped };

// How the init ended, recorded by whatever held the container.
struct ExitRecord {
  int exit_code = 0;  // 128+signal when killed
  bool oom_killed = false;
  int64_t started_at = 0;   // unix nanos
  int64_t finished_at = 0;  // unix nanos
  // Why the init never ran its command (missing, not executable); empty
  // when it ran.
  std::string cannot_run;
};

// A command run to completion inside a running container.
struct ExecCommand {
  std::vector<std::string> argv;
  absl::Duration timeout = absl::InfiniteDuration();
  size_t max_output = size_t{16} << 20;  // per stream; the rest is dropped
};

struct ExecOutput {
  std::string out, err;
  int exit_code = 0;
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Creates the container from DIR/config.json with its init held before
  // execve until Start. Once it returns OK something holds the container
  // and will record its exit.
  [[nodiscard]] virtual absl::Status Create(const BundleCreate& request) = 0;
  // Releases a created container's init into execve.
  [[nodiscard]] virtual absl::Status Start(const ContainerRef& c) = 0;
  // A signal to the init (or, for SIGKILL without a PID namespace of its
  // own, to every process of the container).
  [[nodiscard]] virtual absl::Status Kill(const ContainerRef& c,
                                          int signal) = 0;
  // Ends whatever holds the container and deletes what the runtime made
  // for it, whatever state it is in; what is already gone is no error.
  [[nodiscard]] virtual absl::Status Delete(const ContainerRef& c) = 0;

  // NotFound when the runtime knows no such container.
  [[nodiscard]] virtual absl::StatusOr<InitState> State(
      const ContainerRef& c) = 0;
  // Whether the process that holds the container, and will record its
  // exit, still lives.
  virtual bool Held(const ContainerRef& c) = 0;
  // NotFound until the init has exited.
  [[nodiscard]] virtual absl::StatusOr<ExitRecord> Exit(
      const ContainerRef& c) = 0;
  // True once the exit is recorded (or the container was deleted), false
  // after `timeout`.
  virtual bool WaitForExit(const ContainerRef& c, absl::Duration timeout) = 0;
  // A file descriptor that polls readable once whatever holds the
  // container is gone, its exit recorded (or lost): how crispd learns of
  // exits without polling. NotFound when it is gone already; Unimplemented
  // where a runtime cannot tell.
  [[nodiscard]] virtual absl::StatusOr<UniqueFd> HolderFd(
      const ContainerRef& c) {
    return absl::UnimplementedError("this runtime reports no exits");
  }
  // The host pid of the container's init (verbose status only).
  [[nodiscard]] virtual absl::StatusOr<int> InitPid(const ContainerRef& c) {
    return absl::UnimplementedError("this runtime reports no pids");
  }

  // DeadlineExceeded after the command's timeout, once it and what it
  // started are killed.
  [[nodiscard]] virtual absl::StatusOr<ExecOutput> Exec(
      const ContainerRef& c, const ExecCommand& command) = 0;
  [[nodiscard]] virtual absl::Status Update(
      const ContainerRef& c, const oci::Resources& resources) = 0;
  [[nodiscard]] virtual absl::StatusOr<cgroups::Stats> Stats(
      const ContainerRef& c) = 0;
  // The holder reopens the CRI log file (kubelet rotated it).
  [[nodiscard]] virtual absl::Status ReopenLog(const ContainerRef& c) = 0;
};

}  // namespace crisp::runtime
