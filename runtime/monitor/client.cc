#include "runtime/monitor/client.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
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
  std::string line = ReadFd(r.get());
  waitpid(pid, nullptr, 0);
  line = std::string(absl::StripAsciiWhitespace(line));
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
  if (f.size() != 2 || !absl::SimpleAtoi(f[0], &id.pid) ||
      !absl::SimpleAtoi(f[1], &id.start_time)) {
    return absl::DataLossError(absl::StrCat(dir, "/monitor.pid: malformed"));
  }
  if (!ProcessAlive(id) || state::ProcessExited(id.pid)) {
    return absl::NotFoundError(absl::StrCat("monitor of ", dir, " is gone"));
  }
  return id;
}

absl::Status ReopenLog(const std::string& dir) {
  ASSIGN_OR_RETURN(ProcessId id, FindMonitor(dir));
  if (kill(id.pid, SIGUSR1) != 0) return LastErrno("signal monitor");
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> ConnectAttach(const std::string& dir) {
  return ConnectUnix(dir + "/attach.sock");
}

}  // namespace crisp::runtime::monitor
