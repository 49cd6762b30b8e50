#include "server/streaming/exec_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "common/files.h"
#include "common/status.h"

extern char** environ;

namespace crisp::server::streaming {
namespace {

std::vector<std::string> Argv(const ExecSpawn& s) {
  std::vector<std::string> args = {"crisp-runtime", "--root",
                                   s.container_dir, "exec",
                                   "--pid-file",    s.pid_file};
  if (s.tty) {
    // A terminal wants to know its type; kubelet's runtimes set xterm too.
    args.insert(args.end(), {"--tty", "--console-socket", s.console_socket,
                             "--env", "TERM=xterm"});
  }
  args.push_back("state");
  args.insert(args.end(), s.command.begin(), s.command.end());
  return args;
}

// A pipe whose `ours` end stays here (non-blocking), the other end going
// to the child as `child_fd`.
absl::Status AddPipe(posix_spawn_file_actions_t* actions, int child_fd,
                     bool child_reads, UniqueFd* ours, UniqueFd* theirs) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return LastErrno("exec pipe");
  ours->Reset(child_reads ? p[1] : p[0]);
  theirs->Reset(child_reads ? p[0] : p[1]);
  fcntl(ours->get(), F_SETFL, O_NONBLOCK);
  posix_spawn_file_actions_adddup2(actions, theirs->get(), child_fd);
  return absl::OkStatus();
}

absl::Status Spawn(const ExecSpawn& s, posix_spawn_file_actions_t* actions,
                   pid_t* pid) {
  std::vector<std::string> args = Argv(s);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that all it started can be killed.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = posix_spawn(pid, s.runtime_path.c_str(), actions, &attr, argv.data(),
                       environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoToStatus(rc, "start " + s.runtime_path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExecChild> SpawnExec(const ExecSpawn& s) {
  ExecChild child;
  UniqueFd in, out, err;  // the child's ends, closed here after the spawn
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  absl::Status st;
  bool in_pipe = s.stdin && !s.tty, out_pipe = s.stdout && !s.tty;
  if (in_pipe) st = AddPipe(&actions, 0, true, &child.stdin_w, &in);
  if (!in_pipe) {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (st.ok() && out_pipe) {
    st = AddPipe(&actions, 1, false, &child.stdout_r, &out);
  }
  if (!out_pipe) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  }
  if (st.ok()) st = AddPipe(&actions, 2, false, &child.stderr_r, &err);
  // Nothing else of crispd's (other sessions' sockets) reaches the runtime.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (st.ok()) st = Spawn(s, &actions, &child.pid);
  posix_spawn_file_actions_destroy(&actions);
  RETURN_IF_ERROR(st);
  child.pidfd.Reset(static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0)));
  if (!child.pidfd) {
    absl::Status e = LastErrno("pidfd_open of crisp-runtime exec");
    KillAndReap(child, s.pid_file);
    return e;
  }
  return child;
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int KillAndReap(const ExecChild& child, const std::string& pid_file) {
  // The command runs in the container's PID namespace, outside
  // crisp-runtime's group: crisp-runtime, its parent, reaps it once killed.
  pid_t pid = 0;
  auto text = ReadFile(pid_file);
  if (!text.ok() || !absl::SimpleAtoi(*text, &pid) || pid <= 0 ||
      kill(pid, SIGKILL) != 0) {
    kill(-child.pid, SIGKILL);
  }
  return Reap(child.pid);
}

}  // namespace crisp::server::streaming
