#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "absl/time/clock.h"
#include "common/status.h"

extern char** environ;

namespace crisp::subprocess {
namespace {

// Moves `fd` above 0-2, so that the child's dup2 onto 0, 1 and 2 can never
// overwrite one of the other fds it still has to dup (a daemon started with
// a closed stdin gets fd 0 from pipe2).
absl::StatusOr<UniqueFd> AboveStdio(UniqueFd fd) {
  if (fd.get() > 2) return fd;
  UniqueFd moved(fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
  if (!moved) return LastErrno("dup above stdio");
  return moved;
}

// The pipe for the child's fd `target`: the caller's end in `ours`, the
// child's in `theirs`.
absl::Status MakePipe(int target, bool nonblocking, UniqueFd* ours,
                      UniqueFd* theirs) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return LastErrno("pipe");
  UniqueFd r(p[0]), w(p[1]);
  ASSIGN_OR_RETURN(r, AboveStdio(std::move(r)));
  ASSIGN_OR_RETURN(w, AboveStdio(std::move(w)));
  *ours = std::move(target == 0 ? w : r);
  *theirs = std::move(target == 0 ? r : w);
  if (nonblocking) fcntl(ours->get(), F_SETFL, O_NONBLOCK);
  return absl::OkStatus();
}

struct SpawnAttrs {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnAttrs() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttrs() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnAttrs(const SpawnAttrs&) = delete;
  SpawnAttrs& operator=(const SpawnAttrs&) = delete;
};

// The child's fd `target` as `stdio` says; `theirs` keeps what the child
// dups from until the spawn is done.
absl::Status AddStdio(SpawnAttrs& s, int target, const Stdio& stdio,
                      bool nonblocking, UniqueFd* ours, UniqueFd* theirs) {
  switch (stdio.kind) {
    case Stdio::Kind::kInherit:
      return absl::OkStatus();
    case Stdio::Kind::kNull:
      posix_spawn_file_actions_addopen(&s.actions, target, "/dev/null",
                                       target == 0 ? O_RDONLY : O_WRONLY, 0);
      return absl::OkStatus();
    case Stdio::Kind::kPipe:
      RETURN_IF_ERROR(MakePipe(target, nonblocking, ours, theirs));
      break;
    case Stdio::Kind::kFd: {
      UniqueFd dup(fcntl(stdio.fd, F_DUPFD_CLOEXEC, 3));
      if (!dup) return LastErrno("dup stdio");
      *theirs = std::move(dup);
      break;
    }
  }
  posix_spawn_file_actions_adddup2(&s.actions, theirs->get(), target);
  return absl::OkStatus();
}

void SetAttributes(SpawnAttrs& s, const SpawnOptions& o) {
  short flags = 0;
  if (!o.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&s.actions, o.cwd.c_str());
  }
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  if (o.default_signals) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&s.attr, &none);
    posix_spawnattr_setsigdefault(&s.attr, &all);
    flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  }
  if (o.new_process_group) {
    posix_spawnattr_setpgroup(&s.attr, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  if (o.new_session) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&s.attr, flags);
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Appends what `fd` has to `buf` up to `max` bytes, dropping the rest so
// the child never blocks on a full pipe. False at end of file.
bool ReadSome(int fd, std::string& buf, size_t max) {
  char chunk[16384];
  ssize_t n = read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  size_t room = buf.size() < max ? max - buf.size() : 0;
  buf.append(chunk, std::min(room, static_cast<size_t>(n)));
  return true;
}

int PollMillis(absl::Duration wait) {
  if (wait == absl::InfiniteDuration()) return -1;
  int64_t ms = absl::ToInt64Milliseconds(wait) + 1;
  return static_cast<int>(std::clamp<int64_t>(ms, 0, INT_MAX));
}

enum class Outcome { kDone, kTimedOut };

// Reads the pipes and watches the pidfd until the child has exited and its
// output is in (see RunOptions::exit_drain), or the deadline. The child is
// not reaped here: until Run reaps it, its pid (and group id) cannot name
// another process, so stopping it is always safe.
absl::StatusOr<Outcome> Collect(const Child& child, const RunOptions& o,
                                Result& result) {
  absl::Time deadline = absl::Now() + o.timeout;
  pollfd fds[3] = {{child.out.get(), POLLIN, 0},
                   {child.err.get(), POLLIN, 0},
                   {child.pidfd.get(), POLLIN, 0}};
  bool exited = false;
  bool drain_bounded = o.exit_drain != absl::InfiniteDuration();
  for (;;) {
    if (exited && fds[0].fd < 0 && fds[1].fd < 0) return Outcome::kDone;
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return exited && drain_bounded ? Outcome::kDone : Outcome::kTimedOut;
    }
    int n =
        poll(fds, 3, PollMillis(exited ? std::min(left, o.exit_drain) : left));
    if (n < 0 && errno != EINTR) return LastErrno("poll child output");
    if (n == 0 && exited && drain_bounded) return Outcome::kDone;
    if (n <= 0) continue;
    if (fds[0].revents && !ReadSome(fds[0].fd, result.out, o.max_out)) {
      fds[0].fd = -1;
    }
    if (fds[1].revents && !ReadSome(fds[1].fd, result.err, o.max_err)) {
      fds[1].fd = -1;
    }
    if (fds[2].revents) {
      exited = true;
      fds[2].fd = -1;
    }
  }
}

}  // namespace

absl::StatusOr<Child> Spawn(const SpawnOptions& o) {
  Child child;
  child.own_group = o.new_process_group || o.new_session;
  SpawnAttrs s;
  UniqueFd theirs[3];  // closed here once the child has its copies
  UniqueFd* ours[3] = {&child.in, &child.out, &child.err};
  const Stdio* stdio[3] = {&o.in, &o.out, &o.err};
  for (int fd = 0; fd < 3; ++fd) {
    RETURN_IF_ERROR(
        AddStdio(s, fd, *stdio[fd], o.nonblocking, ours[fd], &theirs[fd]));
  }
  SetAttributes(s, o);
  std::vector<std::string> args = o.argv;
  std::vector<std::string> env_strings =
      o.env.value_or(std::vector<std::string>{});
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(env_strings);
  int rc = posix_spawn(&child.pid, o.path.c_str(), &s.actions, &s.attr,
                       argv.data(), o.env ? envp.data() : environ);
  if (rc != 0) return crisp::ErrnoToStatus(rc, "start " + o.path);
  // The pid cannot be reused before it is reaped, so this is the child.
  child.pidfd.Reset(static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0)));
  if (!child.pidfd) {
    absl::Status st = LastErrno("pidfd_open of " + o.path);
    Kill(child);
    Wait(child.pid);
    return st;
  }
  return child;
}

void Kill(const Child& child) {
  // The group id is the child's pid, which cannot be reused before it is
  // reaped: the kill reaches only the child and what it started.
  if (child.own_group && kill(-child.pid, SIGKILL) == 0) return;
  kill(child.pid, SIGKILL);
}

int Wait(pid_t pid) {
  int status = -1;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

int ExitCode(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                : 128 + WTERMSIG(wait_status);
}

absl::StatusOr<Result> Run(const SpawnOptions& spawn, const RunOptions& run) {
  ASSIGN_OR_RETURN(Child child, Spawn(spawn));
  Result result;
  auto outcome = Collect(child, run, result);
  if (outcome.ok() && *outcome == Outcome::kDone) {
    result.wait_status = Wait(child.pid);
    return result;
  }
  if (run.stop) {
    run.stop(child);
  } else {
    Kill(child);
  }
  result.wait_status = Wait(child.pid);
  result.timed_out = true;
  if (!outcome.ok()) return outcome.status();
  return result;
}

}  // namespace crisp::subprocess
