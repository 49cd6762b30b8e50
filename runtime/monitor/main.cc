// crisp-monitor --id ID --dir DIR [--bundle DIR] [--log-path FILE]
//   [--log-max-line N] [--stdin] [--start] [--ready-fd N] [--foreground]
//
// Started by crispd, it detaches (own session, child subreaper, stdio on
// /dev/null), creates the container and reports "ok <init pid>" or
// "error <message>" on --ready-fd (or stdout) before the starter returns;
// the detached monitor then serves the container until it exits.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "common/sealed_binary.h"
#include "runtime/monitor/monitor.h"

namespace {

using crisp::runtime::monitor::MonitorOptions;

bool ParseFlags(int argc, char** argv, MonitorOptions& o, int& ready_fd,
                bool& foreground) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string n;
    if (a == "--id" && value(o.id)) continue;
    if (a == "--dir" && value(o.dir)) continue;
    if (a == "--bundle" && value(o.bundle)) continue;
    if (a == "--log-path" && value(o.log_path)) continue;
    if (a == "--stdin") {
      o.stdin_open = true;
      continue;
    }
    if (a == "--start") {
      o.start = true;
      continue;
    }
    if (a == "--foreground") {
      foreground = true;
      continue;
    }
    if (a == "--log-max-line" && value(n) && absl::SimpleAtoi(n, &o.max_line))
      continue;
    if (a == "--ready-fd" && value(n) && absl::SimpleAtoi(n, &ready_fd))
      continue;
    return false;
  }
  if (o.bundle.empty()) o.bundle = o.dir;
  return !o.id.empty() && !o.dir.empty() && o.max_line > 0;
}

void Report(int fd, const std::string& line) {
  std::string text = line + "\n";
  (void)!write(fd, text.data(), text.size());
}

// The detached monitor: creates, reports on `report`, serves.
int Serve(const MonitorOptions& o, int report) {
  crisp::runtime::monitor::Monitor monitor(o);
  absl::Status st = monitor.Create();
  Report(report, st.ok() ? absl::StrCat("ok ", monitor.init_pid())
                         : absl::StrCat("error ", st.message()));
  close(report);
  if (!st.ok()) return 1;
  malloc_trim(0);  // the spec and seccomp program are gone: give pages back
  st = monitor.Run();
  return st.ok() ? 0 : 1;
}

// The detached monitor the starter forked: crispd SIGTERMs the starter
// when the monitor's report is overdue, and the monitor (stuck creating
// the container) and its process group go with it.
volatile pid_t g_monitor = 0;

void KillMonitor(int) {
  if (g_monitor > 0) {
    kill(-g_monitor, SIGKILL);
    kill(g_monitor, SIGKILL);
  }
  _exit(1);
}

void Detach() {
  setsid();
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
  if (null > 2) close(null);
}

}  // namespace

int main(int argc, char** argv) {
  MonitorOptions o;
  int ready_fd = 1;
  bool foreground = false;
  if (!ParseFlags(argc, argv, o, ready_fd, foreground)) {
    Report(2,
           "usage: crisp-monitor --id ID --dir DIR [--bundle DIR] "
           "[--log-path FILE] [--log-max-line N] [--stdin] [--start] "
           "[--ready-fd N] [--foreground]");
    return 2;
  }
  (void)crisp::InitLogging(argv[0], "warn");
  if (absl::Status st = crisp::failpoint::ConfigureFromEnvironment();
      !st.ok()) {
    Report(ready_fd, absl::StrCat("error ", st.message()));
    return 2;
  }
  // The container's init is cloned from this process: it must not run the
  // host file (common/sealed_binary.h). crispd already starts a sealed copy.
  if (absl::Status st = crisp::EnsureSealedSelf(argv); !st.ok()) {
    Report(ready_fd, absl::StrCat("error ", st.message()));
    return 1;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (foreground) return Serve(o, dup(ready_fd));
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 1;
  // SIGTERM stays blocked until KillMonitor knows the pid: one arriving
  // between fork and the handler would end the starter and leave the
  // monitor running with nobody to kill it.
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, &old);
  pid_t pid = fork();
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    close(fds[0]);
    Detach();
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    _exit(Serve(o, fds[1]));
  }
  close(fds[1]);
  if (pid > 0) {
    g_monitor = pid;
    (void)signal(SIGTERM, KillMonitor);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);  // a pending SIGTERM lands here
  char buf[1024];
  ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
  std::string line = n > 0 ? std::string(buf, n) : "error monitor died\n";
  (void)!write(ready_fd, line.data(), line.size());
  return line.rfind("ok ", 0) == 0 ? 0 : 1;
}
