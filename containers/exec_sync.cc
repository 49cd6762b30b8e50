#include "containers/exec_sync.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/id.h"
#include "common/status.h"
#include "common/unique_fd.h"

extern char** environ;

namespace crisp::containers {
namespace {

struct Child {
  pid_t pid = 0;
  UniqueFd out, err;
};

absl::StatusOr<Child> SpawnExec(const ExecRequest& r,
                                const std::string& pid_file) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return LastErrno("exec pipe");
  Child child;
  child.out.Reset(out[0]);
  UniqueFd out_w(out[1]);
  if (pipe2(err, O_CLOEXEC) != 0) return LastErrno("exec pipe");
  child.err.Reset(err[0]);
  UniqueFd err_w(err[1]);
  std::vector<std::string> args = {
      "crisp-runtime", "--root", r.container_dir, "exec",
      "--pid-file",    pid_file, "state"};
  args.insert(args.end(), r.command.begin(), r.command.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout kills all it started.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = posix_spawn(&child.pid, r.runtime_path.c_str(), &actions, &attr,
                       argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoToStatus(rc, "start " + r.runtime_path);
  return child;
}

void Append(std::string& to, const char* data, size_t n, size_t max) {
  if (to.size() < max) to.append(data, std::min(n, max - to.size()));
}

// Reads both pipes until they close or the deadline passes.
bool Drain(Child& c, ExecResult& result, absl::Time deadline, size_t max) {
  pollfd fds[2] = {{c.out.get(), POLLIN, 0}, {c.err.get(), POLLIN, 0}};
  char buf[16384];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    int ms = left == absl::InfiniteDuration()
                 ? -1
                 : static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    int n = poll(fds, 2, ms);
    if (n < 0 && errno != EINTR) return false;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got <= 0) {
        fds[i].fd = -1;
        continue;
      }
      Append(i == 0 ? result.out : result.err, buf, got, max);
    }
  }
  return true;
}

// The command runs in the container's PID namespace, outside crisp-runtime's
// process group: it is killed by the pid crisp-runtime wrote (valid while
// crisp-runtime, its parent, has not reaped it), and crisp-runtime then
// reaps it and exits, so no zombie is left to the pod's init. Only when the
// pid was not written yet is crisp-runtime's group killed instead.
void KillExec(pid_t runtime_pid, const std::string& pid_file) {
  pid_t pid = 0;
  auto text = ReadFile(pid_file);
  if (text.ok() && absl::SimpleAtoi(*text, &pid) && pid > 0 &&
      kill(pid, SIGKILL) == 0) {
    return;
  }
  kill(-runtime_pid, SIGKILL);
}

}  // namespace

absl::StatusOr<ExecResult> ExecSync(const ExecRequest& r) {
  if (r.command.empty()) return absl::InvalidArgumentError("exec: no command");
  std::string pid_file =
      absl::StrCat(r.container_dir, "/exec-", GenerateId().substr(0, 16));
  ASSIGN_OR_RETURN(Child child, SpawnExec(r, pid_file));
  ExecResult result;
  bool done = Drain(child, result, absl::Now() + r.timeout, r.max_output);
  if (!done) KillExec(child.pid, pid_file);
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  unlink(pid_file.c_str());
  if (!done) {
    return absl::DeadlineExceededError(
        absl::StrCat("exec of \"", absl::StrJoin(r.command, " "),
                     "\" timed out after ", absl::FormatDuration(r.timeout)));
  }
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace crisp::containers
