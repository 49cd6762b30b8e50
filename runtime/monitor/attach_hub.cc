#include "runtime/monitor/attach_hub.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "glog/logging.h"

namespace crisp::runtime::monitor {

void AttachHub::Init(UniqueFd listen, AttachHooks hooks) {
  listen_ = std::move(listen);
  hooks_ = std::move(hooks);
}

void AttachHub::SetStdinPipe(UniqueFd pipe) {
  stdin_pipe_ = std::move(pipe);
  SetStdinPty(stdin_pipe_.get());
}

void AttachHub::SetStdinPty(int master) {
  stdin_fd_ = master;
  stdin_ = FdWriter(master);
}

void AttachHub::Broadcast(FrameType type, absl::string_view data) {
  std::string frame = EncodeFrame(type, data);
  for (const auto& c : clients_) {
    if (c->gone) continue;
    // Queued whole or not at all: a client never gets part of a frame
    // followed by another frame.
    bool fits = c->out.buffered() + frame.size() <= kMaxClientQueue;
    if (fits && c->out.Write(frame)) continue;
    LOG_IF(WARNING, !fits) << "attach client too slow (" << c->out.buffered()
                           << " bytes queued): disconnecting it";
    Disconnect(*c);
  }
}

// Hangs up at once (the client reads what it has, then EOF); the entry
// stays until HandlePoll, whose fds still count it.
void AttachHub::Disconnect(Client& c) {
  shutdown(c.fd.get(), SHUT_RDWR);
  c.out = FdWriter();
  c.gone = true;
}

void AttachHub::AddPollFds(std::vector<pollfd>& fds) const {
  fds.push_back({listen_.get(), POLLIN, 0});
  fds.push_back({stdin_.pending() ? stdin_fd_ : -1, POLLOUT, 0});
  // A full stdin buffer stops reading every client: their frames are
  // handled in order, and the socket pushes back on the sender.
  short in = stdin_.buffered() >= kMaxStdinBuffer ? 0 : POLLIN;
  for (const auto& c : clients_) {
    short out = c->out.pending() ? POLLOUT : 0;
    fds.push_back(
        {c->gone ? -1 : c->fd.get(), static_cast<short>(in | out), 0});
  }
}

// `fds` are AddPollFds' entries: the clients are still in the same order
// (Broadcast in between only marks them gone).
void AttachHub::HandlePoll(const pollfd* fds) {
  if (fds[1].revents) FlushStdin();
  for (size_t i = 0; i < clients_.size(); ++i) {
    Client& c = *clients_[i];
    short ev = fds[kPollFds + i].revents;
    if (c.gone || !ev) continue;
    bool ok = !(ev & POLLERR);
    if (ok && (ev & POLLOUT)) ok = c.out.Flush();
    if (ok && (ev & POLLIN)) ok = Read(c);
    // POLLHUP without POLLIN: both directions are shut, nothing to read.
    if (ok && (ev & POLLHUP) && !(ev & POLLIN)) ok = false;
    if (!ok) c.gone = true;
  }
  std::erase_if(clients_, [](const auto& c) { return c->gone; });
  if (fds[0].revents) Accept();
}

void AttachHub::FlushFor(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    std::vector<pollfd> fds;
    for (const auto& c : clients_) {
      if (!c->gone && c->out.pending()) {
        fds.push_back({c->fd.get(), POLLOUT, 0});
      }
    }
    int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (fds.empty() || ms <= 0) return;
    if (poll(fds.data(), fds.size(), static_cast<int>(ms)) < 0 &&
        errno != EINTR) {
      return;
    }
    for (const auto& c : clients_) {
      if (!c->gone && c->out.pending()) (void)c->out.Flush();  // failed: empty
    }
  }
}

void AttachHub::Accept() {
  int fd =
      accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  auto c = std::make_unique<Client>();
  c->fd.Reset(fd);
  c->out.set_fd(fd);
  clients_.push_back(std::move(c));
}

// Handles what the client sent; false when it hung up or broke framing.
bool AttachHub::Read(Client& c) {
  char buf[64 * 1024];
  ssize_t n = read(c.fd.get(), buf, sizeof(buf));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;
  c.reader.Append(absl::string_view(buf, static_cast<size_t>(n)));
  auto frames = c.reader.Take();
  if (!frames.ok()) return false;
  for (const AttachFrame& f : *frames) Handle(f);
  return true;
}

void AttachHub::Handle(const AttachFrame& f) {
  if (f.type == FrameType::kStdin) {
    WriteStdin(f.payload);
  } else if (f.type == FrameType::kCloseStdin) {
    close_stdin_ = true;
    FlushStdin();
  } else if (f.type == FrameType::kResize && hooks_.resize) {
    std::vector<std::string> rc = absl::StrSplit(f.payload, ' ');
    unsigned rows = 0, cols = 0;
    if (rc.size() == 2 && absl::SimpleAtoi(rc[0], &rows) &&
        absl::SimpleAtoi(rc[1], &cols)) {
      hooks_.resize(rows, cols);
    }
  } else if (f.type == FrameType::kReopenLog && hooks_.reopen_log) {
    hooks_.reopen_log();
  }
}

void AttachHub::WriteStdin(absl::string_view data) {
  if (stdin_fd_ < 0 || stdin_.failed()) return;  // no stdin, or it is gone
  (void)stdin_.Write(data);
}

// Writes more of stdin; closes the pipe once a kCloseStdin is flushed.
void AttachHub::FlushStdin() {
  if (stdin_fd_ >= 0) (void)stdin_.Flush();
  if (!close_stdin_ || stdin_.pending() || !stdin_pipe_) return;
  stdin_pipe_.Reset();  // the container reads EOF
  SetStdinPty(-1);
}

}  // namespace crisp::runtime::monitor
