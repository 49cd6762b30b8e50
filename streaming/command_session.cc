#include "streaming/command_session.h"

#include "absl/time/clock.h"
#include "glog/logging.h"
#include "streaming/fd_writer.h"

namespace crisp::streaming {
namespace {

// kubelet's default: the client has this long to open its streams.
constexpr absl::Duration kStreamCreationTimeout = absl::Seconds(30);
// After the status, how long the client may take to hang up.
constexpr absl::Duration kLinger = absl::Seconds(5);

class CommandSession final : public SpdyConnection::Handler,
                             public CommandSink {
 public:
  CommandSession(SpdyConnection& conn, std::string protocol,
                 const StdioOptions& stdio, CommandBackend& backend)
      : conn_(conn),
        protocol_(std::move(protocol)),
        stdio_(stdio),
        backend_(backend) {}

  void Run();

  bool OnStream(uint32_t id, const HeaderList& headers) override;
  void OnData(uint32_t id, absl::string_view data) override;
  void OnFin(uint32_t id) override;
  void OnReset(uint32_t id) override { OnFin(id); }

  void Stdout(absl::string_view data) override { conn_.Send(stdout_, data); }
  void Stderr(absl::string_view data) override { conn_.Send(stderr_, data); }
  void Done(CommandResult result) override;

 private:
  int Expected() const {
    return 1 + stdio_.stdin + stdio_.stdout + stdio_.stderr +
           (stdio_.tty && SupportsResize(protocol_));
  }
  bool AwaitStreams();
  void Start();

  SpdyConnection& conn_;
  std::string protocol_;
  StdioOptions stdio_;
  CommandBackend& backend_;
  Poller poller_;
  uint32_t error_ = 0, stdin_ = 0, stdout_ = 0, stderr_ = 0, resize_ = 0;
  int received_ = 0;
  bool started_ = false, done_ = false;
  // What the client sent before the backend was up.
  std::string early_stdin_;
  bool early_stdin_closed_ = false;
  std::vector<TerminalSize> early_sizes_;
  ResizeDecoder resizes_;
};

bool CommandSession::OnStream(uint32_t id, const HeaderList& headers) {
  std::string type = HeaderValue(headers, "streamtype");
  uint32_t* slot = type == "error"    ? &error_
                   : type == "stdin"  ? &stdin_
                   : type == "stdout" ? &stdout_
                   : type == "stderr" ? &stderr_
                   : type == "resize" ? &resize_
                                      : nullptr;
  if (slot == nullptr) {
    LOG(WARNING) << "streaming: unexpected stream type \"" << type << "\"";
    return true;  // answered, as kubelet does, but not counted
  }
  *slot = id;
  ++received_;
  return true;
}

void CommandSession::OnData(uint32_t id, absl::string_view data) {
  if (id == stdin_ && id != 0) {
    if (started_) {
      backend_.Stdin(data);
    } else {
      early_stdin_.append(data.data(), data.size());
    }
  } else if (id == resize_ && id != 0) {
    for (TerminalSize s : resizes_.Append(data)) {
      if (started_) {
        backend_.Resize(s);
      } else {
        early_sizes_.push_back(s);
      }
    }
  }
}

void CommandSession::OnFin(uint32_t id) {
  if (id != stdin_ || id == 0) return;
  if (started_) {
    backend_.CloseStdin();
  } else {
    early_stdin_closed_ = true;
  }
}

bool CommandSession::AwaitStreams() {
  absl::Time deadline = absl::Now() + kStreamCreationTimeout;
  while (received_ < Expected()) {
    absl::Duration left = deadline - absl::Now();
    if (conn_.closed()) return false;
    if (left <= absl::ZeroDuration()) {
      LOG(WARNING) << "streaming: timed out waiting for client to create "
                      "streams";
      return false;
    }
    if (!poller_.RunOnce(left).ok()) return false;
  }
  return true;
}

void CommandSession::Start() {
  absl::Status st = backend_.Start(poller_, *this);
  if (!st.ok()) {
    Done({st, 0});
    return;
  }
  started_ = true;
  for (TerminalSize s : early_sizes_) backend_.Resize(s);
  if (!early_stdin_.empty()) backend_.Stdin(early_stdin_);
  if (early_stdin_closed_) backend_.CloseStdin();
}

void CommandSession::Run() {
  poller_.Watch(conn_.fd(), POLLIN,
                [this](short) { conn_.ReadAvailable(*this); });
  conn_.ReadAvailable(*this);  // frames that came with the request
  if (!AwaitStreams()) return;
  Start();
  while (!done_) {
    if (conn_.closed()) {
      backend_.Abort();
      return;
    }
    poller_.SetEvents(conn_.fd(),
                      backend_.Buffered() > kMaxBuffered ? 0 : POLLIN);
    if (!poller_.RunOnce(absl::InfiniteDuration()).ok()) {
      backend_.Abort();
      return;
    }
  }
  conn_.Close(kLinger);
}

void CommandSession::Done(CommandResult result) {
  if (done_) return;
  done_ = true;
  if (!result.error.ok()) {
    LOG(WARNING) << "streaming: " << result.error.message();
  }
  for (uint32_t id : {stdout_, stderr_}) {
    if (id != 0) conn_.Finish(id);
  }
  std::string message = StatusMessage(protocol_, result);
  if (error_ != 0) {
    conn_.Send(error_, message);
    conn_.Finish(error_);
  }
  for (uint32_t id : {stdin_, resize_}) {
    if (id != 0) conn_.Finish(id);
  }
}

}  // namespace

void RunCommandSession(SpdyConnection& conn, const std::string& protocol,
                       const StdioOptions& stdio, CommandBackend& backend) {
  CommandSession(conn, protocol, stdio, backend).Run();
}

}  // namespace crisp::streaming
