// The monitor's event loop: output pipes, attach clients, signals (SIGCHLD
// reaps, SIGUSR1 reopens the log), until the init exits.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/failpoint.h"
#include "common/process.h"
#include "common/status.h"
#include "glog/logging.h"
#include "runtime/bundle.h"
#include "runtime/linux/container.h"
#include "runtime/linux/sync.h"
#include "runtime/monitor/exit_status.h"
#include "runtime/monitor/monitor.h"

namespace crisp::runtime::monitor {
namespace {

absl::StatusOr<UniqueFd> BlockSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGUSR1, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) {
    sigaddset(&set, s);
  }
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    return LastErrno("sigprocmask");
  }
  sigdelset(&set, SIGPIPE);
  UniqueFd fd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd) return LastErrno("signalfd");
  return fd;
}

// What the init said before it exited when it failed after Start
// (container_child.cc FailAfterStart); "" when it ran its command.
std::string StartFailure(int sync_fd) {
  if (sync_fd < 0) return "";
  sync::Message m;
  if (recv(sync_fd, &m, sizeof(m), MSG_DONTWAIT) != sizeof(m) ||
      m.kind != sync::Kind::kError) {
    return "";
  }
  return std::string(m.detail, strnlen(m.detail, sizeof(m.detail)));
}

}  // namespace

// Reads what the container's processes still had to say, for a moment.
void Monitor::Drain() {
  for (int round = 0; round < 5; ++round) {
    bool open = false;
    for (auto* fd : {&stdout_r_, &stderr_r_}) {
      if (!*fd) continue;
      if (!PumpOutput(fd->get(), fd == &stderr_r_)) {
        fd->Reset();
      } else {
        open = true;
      }
    }
    if (!open) break;
    usleep(20000);
  }
  log_.Flush();
}

// The init's descendants outlive it where the PID namespace is not the
// container's (re-parented to crisp-pause, or to this subreaper when it is
// the host's): as containerd's shim does, they go with it, before the exit
// is recorded, so that a stopped container has nothing left running.
void Monitor::KillRest() {
  absl::Status st =
      runtime::KillAll(BundleLayout(o_.dir).StateDir(), absl::Seconds(10));
  if (!st.ok()) LOG(WARNING) << st;
  // Those this subreaper adopted: reaped here, or they would stay zombies
  // of whatever adopts them next. A process re-parented to us is ours
  // before its old parent is a zombie, so ECHILD means none is left.
  absl::Time until = absl::Now() + absl::Seconds(2);
  for (;;) {
    pid_t pid = waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) continue;
    if (pid < 0 || absl::Now() > until) break;
    usleep(1000);
  }
}

absl::Status Monitor::Finish(int wait_status) {
  if (kill_rest_on_exit_) KillRest();
  Drain();
  ExitStatus s = FromWaitStatus(wait_status);
  s.started_at = started_at_;
  s.finished_at = NowUnixNanos();
  auto stats = runtime::ReadStats(BundleLayout(o_.dir).StateDir());
  s.oom_killed = stats.ok() && stats->oom_kills > 0;
  s.cannot_run = StartFailure(created_.sync.get());
  RETURN_IF_ERROR(failpoint::Hit("monitor.exit.before_record"));
  RETURN_IF_ERROR(WriteExitStatus(o_.dir, s));
  attach_.Broadcast(FrameType::kExit, absl::StrCat(s.exit_code));
  // Attached clients (crispd) learn the exit from this frame: give slow
  // ones a moment to take what is queued.
  attach_.FlushFor(absl::Seconds(1));
  unlink(BundleLayout(o_.dir).AttachSocket().c_str());
  return absl::OkStatus();
}

absl::Status Monitor::BlockSignalsEarly() {
  ASSIGN_OR_RETURN(signals_, BlockSignals());
  return absl::OkStatus();
}

absl::Status Monitor::Run() {
  // SIGCHLD may have come before the loop: reap once before waiting.
  bool check = true;
  for (;;) {
    if (check) {
      int status = 0;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == created_.init.pid) return Finish(status);
      }
      check = false;
    }
    std::vector<pollfd> fds = {{signals_.get(), POLLIN, 0},
                               {stdout_r_.get(), POLLIN, 0},
                               {stderr_r_.get(), POLLIN, 0}};
    attach_.AddPollFds(fds);  // from fds[3] on
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
      return LastErrno("poll");
    }
    if (fds[1].revents && !PumpOutput(stdout_r_.get(), false)) {
      if (terminal_) attach_.SetStdinPty(-1);  // the pty master is closing
      stdout_r_.Reset();
    }
    if (fds[2].revents && !PumpOutput(stderr_r_.get(), true)) {
      stderr_r_.Reset();
    }
    attach_.HandlePoll(&fds[3]);
    if (!fds[0].revents) continue;
    signalfd_siginfo si;
    while (read(signals_.get(), &si, sizeof(si)) == sizeof(si)) {
      if (si.ssi_signo == SIGUSR1) (void)log_.Open();
      if (si.ssi_signo == SIGCHLD) check = true;
    }
  }
}

}  // namespace crisp::runtime::monitor
