#include "server/stream_backends/exec_backend.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/unix_socket.h"
#include "runtime/bundle.h"
#include "runtime/linux/console.h"
#include "server/stream_backends/exec_process.h"
#include "streaming/fd_writer.h"
#include "streaming/token_cache.h"

namespace crisp::server::stream_backends {

using streaming::CommandBackend;
using streaming::CommandResult;
using streaming::CommandSink;
using streaming::ContainerTarget;
using streaming::ExecStreamRequest;
using streaming::NewToken;
using streaming::Poller;
using streaming::TerminalSize;
namespace {

// After the command exits, how long output still in flight may take.
constexpr absl::Duration kDrain = absl::Seconds(1);

class ExecBackend final : public CommandBackend {
 public:
  ExecBackend(ExecStreamRequest req, ContainerTarget target,
              std::string runtime)
      : req_(std::move(req)),
        target_(std::move(target)),
        runtime_(std::move(runtime)) {}
  ~ExecBackend() override;

  absl::Status Start(Poller& poller, CommandSink& sink) override;
  void Stdin(absl::string_view data) override;
  void CloseStdin() override;
  void Resize(TerminalSize size) override;
  size_t Buffered() const override { return input_.buffered(); }
  void Abort() override;

 private:
  bool tty() const { return req_.stdio.tty; }
  // Passes on what `fd` has; false at its end.
  bool OnOutput(UniqueFd& fd, bool is_stderr);
  void OnConsole();
  void OnExit();
  void Drain();
  void WatchInput();
  void Cleanup();

  ExecStreamRequest req_;
  ContainerTarget target_;
  std::string runtime_;
  std::string pid_file_, console_path_;
  Poller* poller_ = nullptr;
  CommandSink* sink_ = nullptr;
  std::optional<ExecChild> child_;
  UniqueFd console_listen_, master_;
  FdWriter input_;
  bool close_input_ = false;
  std::optional<TerminalSize> size_;
  // crisp-runtime's stderr until the command is known to run: if it never
  // does, this is why.
  std::string held_stderr_;
  bool started_ = false;
};

ExecBackend::~ExecBackend() {
  if (child_ && child_->pid > 0) KillAndReap(*child_, pid_file_);
  Cleanup();
}

void ExecBackend::Cleanup() {
  if (!pid_file_.empty()) unlink(pid_file_.c_str());
  if (!console_path_.empty()) unlink(console_path_.c_str());
}

absl::Status ExecBackend::Start(Poller& poller, CommandSink& sink) {
  poller_ = &poller;
  sink_ = &sink;
  runtime::BundleLayout bundle(target_.dir);
  std::string token = NewToken();
  pid_file_ = bundle.ExecPidFile(token);
  ExecSpawn spawn{runtime_,         target_.dir,       req_.command, tty(),
                  req_.stdio.stdin, req_.stdio.stdout, "",           pid_file_};
  if (tty()) {
    console_path_ = bundle.ExecConsoleSocket(token);
    ASSIGN_OR_RETURN(
        console_listen_,
        ListenUnix(console_path_, SOCK_CLOEXEC | SOCK_NONBLOCK, 0600));
    spawn.console_socket = console_path_;
    poller.Watch(console_listen_.get(), POLLIN, [this](short) { OnConsole(); });
  }
  auto child = SpawnExec(spawn);
  if (!child.ok()) {
    return Annotate(child.status(),
                    absl::StrCat("exec in container ", req_.container_id));
  }
  child_ = std::move(*child);
  if (child_->stdin_w) WatchInput();
  for (UniqueFd* fd : {&child_->stdout_r, &child_->stderr_r}) {
    if (!*fd) continue;
    bool err = fd == &child_->stderr_r;
    poller.Watch(fd->get(), POLLIN,
                 [this, fd, err](short) { OnOutput(*fd, err); });
  }
  poller.Watch(child_->pidfd.get(), POLLIN, [this](short) { OnExit(); });
  return absl::OkStatus();
}

void ExecBackend::WatchInput() {
  int fd = tty() ? master_.get() : child_->stdin_w.get();
  input_.set_fd(fd);
  input_.Flush();
  if (tty()) return;  // the master is watched for output already
  poller_->Watch(fd, 0, [this, fd](short) {
    input_.Flush();
    if (!input_.pending() && close_input_) {
      poller_->Unwatch(fd);
      child_->stdin_w.Reset();
    } else {
      poller_->SetEvents(fd, input_.pending() ? POLLOUT : 0);
    }
  });
  poller_->SetEvents(fd, input_.pending() ? POLLOUT : 0);
}

void ExecBackend::Stdin(absl::string_view data) {
  input_.Write(data);  // kept until the stdin pipe or the pty is there
  int fd = tty() ? master_.get() : child_->stdin_w.get();
  if (fd < 0) return;
  short out = input_.pending() ? POLLOUT : 0;
  poller_->SetEvents(fd, tty() ? static_cast<short>(POLLIN | out) : out);
}

void ExecBackend::CloseStdin() {
  // A terminal has no end of input of its own: kubelet leaves it open too.
  if (tty() || !child_ || !child_->stdin_w) return;
  close_input_ = true;
  if (!input_.pending()) {
    poller_->Unwatch(child_->stdin_w.get());
    child_->stdin_w.Reset();
  }
}

void ExecBackend::Resize(TerminalSize size) {
  size_ = size;
  if (master_ && size.width > 0 && size.height > 0) {
    (void)runtime::console::SetSize(master_.get(), size.height, size.width);
  }
}

bool ExecBackend::OnOutput(UniqueFd& fd, bool is_stderr) {
  char buf[32 * 1024];
  ssize_t n = read(fd.get(), buf, sizeof(buf));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) {  // EOF, or EIO once a pty's last slave closed
    poller_->Unwatch(fd.get());
    if (&fd != &master_) fd.Reset();  // the master still takes input
    return false;
  }
  absl::string_view data(buf, static_cast<size_t>(n));
  if (!is_stderr) {
    sink_->Stdout(data);
    return true;
  }
  if (!started_) started_ = access(pid_file_.c_str(), F_OK) == 0;
  held_stderr_.append(data.data(), data.size());
  if (started_ && req_.stdio.stderr) sink_->Stderr(held_stderr_);
  if (started_) held_stderr_.clear();
  return true;
}

void ExecBackend::OnConsole() {
  UniqueFd conn(accept4(console_listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return;
  auto master = runtime::console::ReceiveFd(conn.get());
  poller_->Unwatch(console_listen_.get());
  console_listen_.Reset();
  if (!master.ok()) return;
  master_ = std::move(*master);
  fcntl(master_.get(), F_SETFL, fcntl(master_.get(), F_GETFL) | O_NONBLOCK);
  if (size_) Resize(*size_);
  poller_->Watch(master_.get(), POLLIN, [this](short revents) {
    if (revents & POLLOUT) input_.Flush();
    if (revents & (POLLIN | POLLHUP | POLLERR)) (void)OnOutput(master_, false);
    poller_->SetEvents(master_.get(),
                       input_.pending() ? POLLIN | POLLOUT : POLLIN);
  });
  WatchInput();
}

void ExecBackend::Drain() {
  absl::Time deadline = absl::Now() + kDrain;
  std::vector<std::pair<UniqueFd*, bool>> open = {
      {&child_->stdout_r, false}, {&child_->stderr_r, true}, {&master_, false}};
  std::erase_if(open, [](const auto& o) { return !*o.first; });
  while (!open.empty() && absl::Now() < deadline) {
    std::vector<pollfd> fds;
    for (auto& [fd, err] : open) fds.push_back({fd->get(), POLLIN, 0});
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (poll(fds.data(), fds.size(), ms + 1) <= 0) return;
    for (size_t i = fds.size(); i-- > 0;) {
      if (fds[i].revents && !OnOutput(*open[i].first, open[i].second)) {
        open.erase(open.begin() + static_cast<long>(i));
      }
    }
  }
}

void ExecBackend::OnExit() {
  poller_->Unwatch(child_->pidfd.get());
  if (console_listen_) OnConsole();  // a master still in flight
  int code = Reap(child_->pid);
  child_->pid = 0;
  Drain();
  CommandResult result;
  result.exit_code = code;
  if (!started_) started_ = access(pid_file_.c_str(), F_OK) == 0;
  if (!started_) {
    std::string why(absl::StripAsciiWhitespace(held_stderr_));
    result.error = absl::UnknownError(absl::StrCat(
        "exec of \"", absl::StrJoin(req_.command, " "), "\" in container ",
        req_.container_id, " failed: ",
        why.empty() ? absl::StrCat("crisp-runtime exited with ", code) : why));
  } else if (!held_stderr_.empty() && req_.stdio.stderr) {
    sink_->Stderr(held_stderr_);
  }
  Cleanup();
  sink_->Done(std::move(result));
}

void ExecBackend::Abort() {
  if (child_ && child_->pid > 0) {
    KillAndReap(*child_, pid_file_);
    child_->pid = 0;
  }
  Cleanup();
}

}  // namespace

std::unique_ptr<CommandBackend> MakeExecBackend(
    const ExecStreamRequest& request, const ContainerTarget& target,
    const std::string& runtime) {
  return std::make_unique<ExecBackend>(request, target, runtime);
}

}  // namespace crisp::server::stream_backends
