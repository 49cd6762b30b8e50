#include "server/stream_backends/attach_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/monitor/attach.h"
#include "runtime/monitor/client.h"
#include "streaming/fd_writer.h"

namespace crisp::server::stream_backends {

using streaming::AttachRequest;
using streaming::CommandBackend;
using streaming::CommandResult;
using streaming::CommandSink;
using streaming::ContainerTarget;
using streaming::Poller;
using streaming::TerminalSize;
namespace {

namespace monitor = runtime::monitor;

class AttachBackend final : public CommandBackend {
 public:
  AttachBackend(AttachRequest req, ContainerTarget target)
      : req_(std::move(req)), target_(std::move(target)) {}

  absl::Status Start(Poller& poller, CommandSink& sink) override;
  void Stdin(absl::string_view data) override {
    if (req_.stdio.stdin) Send(monitor::FrameType::kStdin, data);
  }
  void CloseStdin() override;
  void Resize(TerminalSize size) override {
    if (size.width == 0 || size.height == 0) return;
    Send(monitor::FrameType::kResize,
         absl::StrCat(size.height, " ", size.width));
  }
  size_t Buffered() const override { return out_.buffered(); }
  void Abort() override {}  // the container goes on; the socket closes

 private:
  void Send(monitor::FrameType type, absl::string_view payload);
  void OnReadable();
  void Deliver(const monitor::AttachFrame& frame);

  AttachRequest req_;
  ContainerTarget target_;
  Poller* poller_ = nullptr;
  CommandSink* sink_ = nullptr;
  UniqueFd socket_;
  FdWriter out_;
  monitor::FrameReader reader_;
  bool done_ = false;
};

absl::Status AttachBackend::Start(Poller& poller, CommandSink& sink) {
  poller_ = &poller;
  sink_ = &sink;
  auto socket = monitor::ConnectAttach(target_.dir);
  if (!socket.ok()) {
    return Annotate(socket.status(),
                    absl::StrCat("attach to container ", req_.container_id));
  }
  socket_ = std::move(*socket);
  fcntl(socket_.get(), F_SETFL, fcntl(socket_.get(), F_GETFL) | O_NONBLOCK);
  out_.set_fd(socket_.get());
  poller.Watch(socket_.get(), POLLIN, [this](short revents) {
    if (revents & POLLOUT) out_.Flush();
    if (revents & (POLLIN | POLLHUP | POLLERR)) OnReadable();
    if (!done_) {
      poller_->SetEvents(socket_.get(),
                         out_.pending() ? POLLIN | POLLOUT : POLLIN);
    }
  });
  return absl::OkStatus();
}

void AttachBackend::Send(monitor::FrameType type, absl::string_view payload) {
  if (done_) return;
  out_.Write(monitor::EncodeFrame(type, payload));
  if (out_.pending()) poller_->SetEvents(socket_.get(), POLLIN | POLLOUT);
}

void AttachBackend::CloseStdin() {
  // As kubelet's runtimes: only a stdin_once container without a terminal
  // loses its stdin when the attached client's input ends.
  if (req_.stdio.stdin && target_.stdin_once && !req_.stdio.tty) {
    Send(monitor::FrameType::kCloseStdin, "");
  }
}

void AttachBackend::OnReadable() {
  char buf[32 * 1024];
  ssize_t n = read(socket_.get(), buf, sizeof(buf));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n > 0) {
    reader_.Append(absl::string_view(buf, static_cast<size_t>(n)));
    auto frames = reader_.Take();
    if (frames.ok()) {
      for (const monitor::AttachFrame& f : *frames) Deliver(f);
      return;
    }
  }
  // The monitor went away (the container exited) or spoke nonsense.
  Deliver({monitor::FrameType::kExit, ""});
}

void AttachBackend::Deliver(const monitor::AttachFrame& f) {
  if (done_) return;
  if (f.type == monitor::FrameType::kStdout && req_.stdio.stdout) {
    sink_->Stdout(f.payload);
  } else if (f.type == monitor::FrameType::kStderr) {
    if (req_.stdio.stderr)
      sink_->Stderr(f.payload);
    else if (req_.stdio.tty && req_.stdio.stdout)
      sink_->Stdout(f.payload);
  } else if (f.type == monitor::FrameType::kExit) {
    done_ = true;
    poller_->Unwatch(socket_.get());
    sink_->Done(CommandResult{});
  }
}

}  // namespace

std::unique_ptr<CommandBackend> MakeAttachBackend(
    const AttachRequest& request, const ContainerTarget& target) {
  return std::make_unique<AttachBackend>(request, target);
}

}  // namespace crisp::server::stream_backends
