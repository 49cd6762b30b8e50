// Child processes started from a multi-threaded daemon: posix_spawn (no
// fork: nothing between clone and execve but async-signal-safe work), the
// standard streams from pipes, /dev/null or given fds, every other fd
// closed (O_CLOEXEC alone misses fds another thread opens without it), a
// pidfd, and optionally a process group or session of its own. Run() also
// takes the child to completion: it reads stdout and stderr as they come
// (a full pipe never blocks the child) and stops it at a deadline.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"

namespace crisp::subprocess {

// What one of the child's fds 0, 1 and 2 is.
struct Stdio {
  enum class Kind { kNull, kInherit, kPipe, kFd };
  Kind kind = Kind::kNull;
  int fd = -1;  // kFd: the caller's fd, which stays the caller's

  static Stdio Null() { return {Kind::kNull}; }        // /dev/null
  static Stdio Inherit() { return {Kind::kInherit}; }  // the caller's own
  static Stdio Pipe() { return {Kind::kPipe}; }        // its other end: Child
  static Stdio Fd(int fd) { return {Kind::kFd, fd}; }
};

struct SpawnOptions {
  std::string path;               // the executable
  std::vector<std::string> argv;  // argv[0] first
  // The environment; absent: the caller's own.
  std::optional<std::vector<std::string>> env;
  Stdio in = Stdio::Null(), out = Stdio::Null(), err = Stdio::Null();
  std::string cwd;  // empty: the caller's
  // A process group of its own, so that a kill reaches all it started.
  bool new_process_group = false;
  bool new_session = false;
  // Signal dispositions at their defaults and none blocked, whatever the
  // caller's threads set.
  bool default_signals = false;
  bool nonblocking = false;  // the caller's pipe ends
};

struct Child {
  pid_t pid = 0;
  UniqueFd pidfd;  // readable once the child exits
  bool own_group = false;
  UniqueFd in, out, err;  // the caller's ends of Stdio::Pipe()
};

// The child, started. Its ends of the pipes are closed here. An error
// names `path` (NotFound when there is no such executable).
[[nodiscard]] absl::StatusOr<Child> Spawn(const SpawnOptions& options);

// SIGKILL to the child's process group when it has its own, else to it.
void Kill(const Child& child);
// Reaps `pid`; its wait status (-1 when someone else reaped it).
int Wait(pid_t pid);
// The exit code a shell reports: the exit status, or 128 + the signal.
int ExitCode(int wait_status);

struct RunOptions {
  absl::Duration timeout = absl::InfiniteDuration();
  // Kept of stdout and stderr; the rest is read and dropped.
  size_t max_out = std::numeric_limits<size_t>::max();
  size_t max_err = std::numeric_limits<size_t>::max();
  // Once the child has exited, output still in flight from processes it
  // left behind is awaited only while it comes with pauses shorter than
  // this, and up to the deadline (such a process may hold the pipes for
  // ever: Go's exec.Cmd hangs there, WaitDelay was its fix). Infinite:
  // the run ends only when the pipes close, and is timed out otherwise.
  absl::Duration exit_drain = absl::InfiniteDuration();
  // Stops a child still running at the deadline, before it is reaped.
  // Default: Kill.
  std::function<void(const Child&)> stop;
};

struct Result {
  int wait_status = 0;
  std::string out, err;    // what Stdio::Pipe() stdout and stderr carried
  bool timed_out = false;  // stopped at the deadline
};

// Spawns and runs the child to completion, reaped whatever happens.
[[nodiscard]] absl::StatusOr<Result> Run(const SpawnOptions& spawn,
                                         const RunOptions& run = {});

}  // namespace crisp::subprocess
