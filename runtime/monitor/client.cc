#include "runtime/monitor/client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status.h"
#include "common/unix_socket.h"
#include "runtime/console.h"
#include "runtime/state.h"

extern char** environ;

namespace crisp::runtime::monitor {
namespace {

std::vector<std::string> Argv(const MonitorSpawn& s) {
  std::vector<std::string> argv = {
      "crisp-monitor",         "--id", s.id, "--dir", s.dir, "--log-max-line",
      absl::StrCat(s.max_line)};
  if (!s.log_path.empty()) {
    argv.insert(argv.end(), {"--log-path", s.log_path});
  }
  if (s.stdin_open) argv.push_back("--stdin");
  if (s.start) argv.push_back("--start");
  return argv;
}

// The starter's report: everything it writes until it closes the pipe, or
// DeadlineExceeded when that takes longer than `timeout`.
absl::StatusOr<std::string> ReadReport(int fd, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  std::string out;
  char buf[4096];
  for (;;) {
    int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) return absl::DeadlineExceededError("no report");
    pollfd p{fd, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (rc < 0 && errno != EINTR) return LastErrno("poll");
    if (rc <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// SIGTERM asks the starter to SIGKILL the monitor it forked (main.cc);
// SIGKILL follows if it does not exit within a second. Reaped either way.
void StopStarter(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

absl::StatusOr<pid_t> SpawnMonitor(const MonitorSpawn& spawn) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return LastErrno("pipe2");
  UniqueFd r(fds[0]), w(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, w.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::vector<std::string> args = Argv(spawn);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, spawn.monitor_path.c_str(), &actions, nullptr,
                       argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return ErrnoToStatus(rc, "spawn " + spawn.monitor_path);
  w.Reset();
  auto report = ReadReport(r.get(), spawn.report_timeout);
  if (!report.ok()) {
    StopStarter(pid);
    return absl::DeadlineExceededError(
        absl::StrCat("crisp-monitor for ", spawn.id, ": no report within ",
                     absl::FormatDuration(spawn.report_timeout),
                     " (container setup stuck?); the monitor was killed"));
  }
  waitpid(pid, nullptr, 0);
  std::string line(absl::StripAsciiWhitespace(*report));
  pid_t init = 0;
  if (line.rfind("ok ", 0) == 0 && absl::SimpleAtoi(line.substr(3), &init)) {
    return init;
  }
  return absl::InternalError(absl::StrCat(
      "crisp-monitor for ", spawn.id, ": ",
      line.rfind("error ", 0) == 0 ? line.substr(6) : "no report"));
}

absl::StatusOr<ProcessId> FindMonitor(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(dir + "/monitor.pid"));
  std::vector<std::string> f =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ');
  ProcessId id;
  if (f.size() < 2 || f.size() > 3 || !absl::SimpleAtoi(f[0], &id.pid) ||
      !absl::SimpleAtoi(f[1], &id.start_time) ||
      (f.size() == 3 && !absl::SimpleAtoi(f[2], &id.pidfs_ino))) {
    return absl::DataLossError(absl::StrCat(dir, "/monitor.pid: malformed"));
  }
  if (!ProcessAlive(id) || state::ProcessExited(id.pid)) {
    return absl::NotFoundError(absl::StrCat("monitor of ", dir, " is gone"));
  }
  return id;
}

absl::Status ReopenLog(const std::string& dir) {
  ASSIGN_OR_RETURN(ProcessId id, FindMonitor(dir));
  ASSIGN_OR_RETURN(UniqueFd pidfd, OpenProcess(id));
  if (syscall(SYS_pidfd_send_signal, pidfd.get(), SIGUSR1, nullptr, 0) != 0) {
    return LastErrno("signal monitor");
  }
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> ConnectAttach(const std::string& dir) {
  return ConnectUnix(dir + "/attach.sock");
}

}  // namespace crisp::runtime::monitor
