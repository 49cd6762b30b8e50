#include "streaming/spdy_connection.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/time/clock.h"
#include "glog/logging.h"

namespace crisp::streaming {
namespace {

// A client that takes no byte for this long is given up on.
constexpr int kWriteStallMs = 30000;
constexpr size_t kMaxDataFrame = 32 * 1024;

// Writes all of `bytes` to the non-blocking socket; false on failure.
bool WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return false;
    pollfd p = {fd, POLLOUT, 0};
    if (poll(&p, 1, kWriteStallMs) <= 0) return false;
  }
  return true;
}

}  // namespace

SpdyConnection::SpdyConnection(UniqueFd socket, std::string leftover)
    : socket_(std::move(socket)) {
  fcntl(socket_.get(), F_SETFL, fcntl(socket_.get(), F_GETFL) | O_NONBLOCK);
  reader_.Append(leftover);
}

void SpdyConnection::ReadAvailable(Handler& handler) {
  char buf[64 * 1024];
  while (!closed_) {
    ssize_t n = recv(socket_.get(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      closed_ = true;
      break;
    }
    reader_.Append(absl::string_view(buf, static_cast<size_t>(n)));
    if (static_cast<size_t>(n) < sizeof(buf)) break;
  }
  for (;;) {
    auto frame = reader_.Next(decompressor_);
    if (!frame.ok()) {
      LOG(WARNING) << "streaming: " << frame.status().message();
      closed_ = true;
      return;
    }
    if (!frame->has_value()) return;
    Dispatch(**frame, handler);
  }
}

void SpdyConnection::Dispatch(const SpdyFrame& f, Handler& handler) {
  switch (f.type) {
    case FrameType::kSynStream:
      OnSynStream(f, handler);
      return;
    case FrameType::kData:
      if (!streams_.contains(f.stream_id)) return;
      if (!f.data.empty()) handler.OnData(f.stream_id, f.data);
      if (f.fin()) handler.OnFin(f.stream_id);
      return;
    case FrameType::kRstStream:
      if (streams_.erase(f.stream_id) > 0) handler.OnReset(f.stream_id);
      return;
    case FrameType::kPing:
      Write(f);  // the same id back
      return;
    case FrameType::kGoAway:
      closed_ = true;
      return;
    default:  // SYN_REPLY, HEADERS, SETTINGS, WINDOW_UPDATE
      return;
  }
}

void SpdyConnection::OnSynStream(const SpdyFrame& f, Handler& handler) {
  if (f.stream_id == 0 || f.stream_id % 2 == 0 ||
      streams_.contains(f.stream_id)) {
    Reset(f.stream_id, kRstProtocolError);
    return;
  }
  streams_[f.stream_id] = StreamState{};
  if (!handler.OnStream(f.stream_id, f.headers)) {
    Reset(f.stream_id, kRstRefusedStream);
    return;
  }
  SpdyFrame reply;
  reply.type = FrameType::kSynReply;
  reply.stream_id = f.stream_id;
  Write(reply);
  if (f.fin()) handler.OnFin(f.stream_id);
}

void SpdyConnection::Send(uint32_t id, absl::string_view data) {
  auto it = streams_.find(id);
  if (it == streams_.end() || it->second.local_fin) return;
  while (!data.empty() && !closed_) {
    SpdyFrame f;
    f.stream_id = id;
    f.data = std::string(data.substr(0, kMaxDataFrame));
    data.remove_prefix(f.data.size());
    Write(f);
  }
}

void SpdyConnection::Finish(uint32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end() || it->second.local_fin) return;
  it->second.local_fin = true;
  SpdyFrame f;
  f.stream_id = id;
  f.flags = kFlagFin;
  Write(f);
}

void SpdyConnection::Reset(uint32_t id, uint32_t status) {
  streams_.erase(id);
  SpdyFrame f;
  f.type = FrameType::kRstStream;
  f.stream_id = id;
  f.status = status;
  Write(f);
}

void SpdyConnection::Write(const SpdyFrame& frame) {
  if (closed_) return;
  if (!WriteAll(socket_.get(), EncodeFrame(frame, compressor_))) {
    closed_ = true;
  }
}

void SpdyConnection::Close(absl::Duration linger) {
  shutdown(socket_.get(), SHUT_WR);
  absl::Time deadline = absl::Now() + linger;
  char buf[4096];
  for (;;) {
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    pollfd p = {socket_.get(), POLLIN, 0};
    if (ms <= 0 || poll(&p, 1, ms) <= 0) break;
    ssize_t n = recv(socket_.get(), buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
  }
  socket_.Reset();
  closed_ = true;
}

}  // namespace crisp::streaming
