#include "runtime/monitor/client.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status.h"
#include "common/subprocess.h"
#include "common/unix_socket.h"
#include "runtime/bundle.h"
#include "runtime/linux/console.h"
#include "runtime/linux/state.h"

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

// SIGTERM asks the starter to SIGKILL the monitor it forked (main.cc);
// SIGKILL follows if it does not exit within a second. Reaped by the
// caller.
void StopStarter(const subprocess::Child& starter) {
  kill(starter.pid, SIGTERM);
  pollfd p{starter.pidfd.get(), POLLIN, 0};
  int rc;
  while ((rc = poll(&p, 1, 1000)) < 0 && errno == EINTR) {
  }
  if (rc <= 0) kill(starter.pid, SIGKILL);
}

}  // namespace

absl::StatusOr<pid_t> SpawnMonitor(const MonitorSpawn& spawn) {
  // The report is everything the starter writes until it closes stdout.
  ASSIGN_OR_RETURN(
      subprocess::Result run,
      subprocess::Run({.path = spawn.monitor_path,
                       .argv = Argv(spawn),
                       .out = subprocess::Stdio::Pipe()},
                      {.timeout = spawn.report_timeout, .stop = StopStarter}));
  if (run.timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat("crisp-monitor for ", spawn.id, ": no report within ",
                     absl::FormatDuration(spawn.report_timeout),
                     " (container setup stuck?); the monitor was killed"));
  }
  std::string line(absl::StripAsciiWhitespace(run.out));
  pid_t init = 0;
  if (line.rfind("ok ", 0) == 0 && absl::SimpleAtoi(line.substr(3), &init)) {
    return init;
  }
  return absl::InternalError(absl::StrCat(
      "crisp-monitor for ", spawn.id, ": ",
      line.rfind("error ", 0) == 0 ? line.substr(6) : "no report"));
}

absl::StatusOr<ProcessId> FindMonitor(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(BundleLayout(dir).MonitorPid()));
  std::vector<std::string> f =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ');
  ProcessId id;
  if (f.size() < 2 || f.size() > 3 || !absl::SimpleAtoi(f[0], &id.pid) ||
      !absl::SimpleAtoi(f[1], &id.start_time) ||
      (f.size() == 3 && !absl::SimpleAtoi(f[2], &id.pidfs_ino))) {
    return absl::DataLossError(
        absl::StrCat(BundleLayout(dir).MonitorPid(), ": malformed"));
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
  return ConnectUnix(BundleLayout(dir).AttachSocket());
}

}  // namespace crisp::runtime::monitor
