#include "runtime/monitor/monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/process.h"
#include "common/status.h"
#include "runtime/bundle.h"
#include "runtime/linux/console.h"
#include "runtime/monitor/exit_status.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::monitor {
namespace {

absl::StatusOr<std::pair<UniqueFd, UniqueFd>> Pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return LastErrno("pipe2");
  return std::make_pair(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

void SetNonBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

}  // namespace

absl::Status Monitor::OpenStdio(InitRequest& req) {
  if (req.spec.process->terminal) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto out, Pipe());
  ASSIGN_OR_RETURN(auto err, Pipe());
  stdout_r_ = std::move(out.first);
  stderr_r_ = std::move(err.first);
  req.stdio[1] = out.second.Release();
  req.stdio[2] = err.second.Release();
  if (o_.stdin_open) {
    ASSIGN_OR_RETURN(auto in, Pipe());
    stdin_w_ = std::move(in.second);
    req.stdio[0] = in.first.Release();
  } else {
    req.stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  return absl::OkStatus();
}

absl::Status Monitor::Create() {
  InitRequest req;
  req.id = o_.id;
  req.bundle = o_.bundle;
  req.state_dir = BundleLayout(o_.dir).StateDir();
  req.wait_for_start = !o_.start;
  req.lookup_after_start = true;  // a missing command fails StartContainer
  ASSIGN_OR_RETURN(req.spec, oci::LoadBundle(o_.bundle));
  kill_rest_on_exit_ = !runtime::OwnsPidNamespace(req.spec);
  RETURN_IF_ERROR(log_.Open());
  RETURN_IF_ERROR(BlockSignalsEarly());  // before the init can exit
  RETURN_IF_ERROR(OpenStdio(req));
  auto created = runtime::Create(req);
  for (int fd : req.stdio) close(fd);  // the init holds its ends now
  if (!created.ok()) return created.status();
  created_ = std::move(*created);
  terminal_ = static_cast<bool>(created_.pty_master);
  if (terminal_) stdout_r_ = std::move(created_.pty_master);
  for (int fd : {stdout_r_.get(), stderr_r_.get(), stdin_w_.get()}) {
    if (fd >= 0) SetNonBlocking(fd);
  }
  started_at_ = NowUnixNanos();
  RETURN_IF_ERROR(ServeAttach());
  // "pid start-time pidfs-inode": how crispd tells this monitor from a
  // process that got its pid later.
  ASSIGN_OR_RETURN(ProcessId me, IdentifyProcess(getpid()));
  return WriteFileAtomic(
      BundleLayout(o_.dir).MonitorPid(),
      absl::StrCat(me.pid, " ", me.start_time, " ", me.pidfs_ino));
}

// Opens attach.sock; stdin from clients goes to the pipe, or to the pty
// master that also carries a terminal's output.
absl::Status Monitor::ServeAttach() {
  ASSIGN_OR_RETURN(UniqueFd listen,
                   Listen(BundleLayout(o_.dir).AttachSocket()));
  AttachHooks hooks;
  hooks.reopen_log = [this] { (void)log_.Open(); };
  if (terminal_) {
    hooks.resize = [this](unsigned rows, unsigned cols) {
      (void)console::SetSize(stdout_r_.get(), rows, cols);
    };
  }
  attach_.Init(std::move(listen), std::move(hooks));
  if (terminal_) {
    attach_.SetStdinPty(stdout_r_.get());
  } else if (stdin_w_) {
    attach_.SetStdinPipe(std::move(stdin_w_));
  }
  return absl::OkStatus();
}

// Reads what is there; false at EOF or error.
bool Monitor::PumpOutput(int fd, bool is_stderr) {
  static char buf[32 * 1024];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) return false;  // EOF; EIO on a pty whose slave closed
    log_.Write(is_stderr, absl::string_view(buf, n));
    attach_.Broadcast(is_stderr ? FrameType::kStderr : FrameType::kStdout,
                      absl::string_view(buf, n));
  }
}

}  // namespace crisp::runtime::monitor
