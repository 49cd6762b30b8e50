#include "streaming/portforward_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "glog/logging.h"
#include "streaming/fd_writer.h"
#include "streaming/netns_socket.h"
#include "streaming/poller.h"

namespace crisp::streaming {
namespace {

// One forwarded connection: its two streams and the socket to the pod.
struct Pair {
  uint32_t error = 0, data = 0;
  int port = 0;
  UniqueFd target;
  bool connected = false, client_done = false;
  std::string early;  // data from the client before the connect finished
  FdWriter to_target;
};

class PortForwardSession final : public SpdyConnection::Handler {
 public:
  PortForwardSession(SpdyConnection& conn, PortForwardTarget target)
      : conn_(conn), target_(std::move(target)) {}

  void Run();

  bool OnStream(uint32_t id, const HeaderList& headers) override;
  void OnData(uint32_t id, absl::string_view data) override;
  void OnFin(uint32_t id) override;
  void OnReset(uint32_t id) override;

 private:
  Pair* PairOf(uint32_t id);
  void Connect(const std::string& request_id);
  void OnTarget(const std::string& request_id, short revents);
  void OnConnected(Pair& p);
  void UpdateEvents(Pair& p);
  void Fail(const std::string& request_id, absl::string_view why);
  void End(const std::string& request_id);
  size_t Buffered() const;

  SpdyConnection& conn_;
  PortForwardTarget target_;
  Poller poller_;
  std::map<std::string, Pair> pairs_;
  std::map<uint32_t, std::string> request_of_;  // stream id → request id
};

bool PortForwardSession::OnStream(uint32_t id, const HeaderList& headers) {
  std::string type = HeaderValue(headers, "streamtype");
  int port = 0;
  if (!absl::SimpleAtoi(HeaderValue(headers, "port"), &port) || port < 1 ||
      port > 65535 || (type != "error" && type != "data")) {
    LOG(WARNING) << "streaming: port-forward stream " << id
                 << " refused: bad port or streamType header";
    return false;
  }
  std::string request_id = HeaderValue(headers, "requestid");
  if (request_id.empty()) {  // clients older than requestID: ids in pairs
    request_id = absl::StrCat(type == "error" ? id : id - 2);
  }
  Pair& p = pairs_[request_id];
  uint32_t& slot = type == "error" ? p.error : p.data;
  if (slot != 0) return false;
  slot = id;
  p.port = port;
  request_of_[id] = request_id;
  if (p.error != 0 && p.data != 0) Connect(request_id);
  return true;
}

Pair* PortForwardSession::PairOf(uint32_t id) {
  auto r = request_of_.find(id);
  if (r == request_of_.end()) return nullptr;
  auto p = pairs_.find(r->second);
  return p == pairs_.end() ? nullptr : &p->second;
}

void PortForwardSession::Connect(const std::string& request_id) {
  Pair& p = pairs_[request_id];
  auto fd = TcpSocketIn(target_.netns);
  if (!fd.ok()) return Fail(request_id, fd.status().message());
  p.target = std::move(*fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(p.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(p.target.get(), reinterpret_cast<sockaddr*>(&addr),
              sizeof(addr)) != 0 &&
      errno != EINPROGRESS) {
    return Fail(request_id, LastErrno("connect").message());
  }
  p.to_target.set_fd(p.target.get());
  poller_.Watch(p.target.get(), POLLOUT, [this, request_id](short revents) {
    OnTarget(request_id, revents);
  });
}

void PortForwardSession::OnConnected(Pair& p) {
  p.connected = true;
  if (!p.early.empty()) p.to_target.Write(p.early);
  p.early.clear();
  if (p.client_done && !p.to_target.pending()) {
    shutdown(p.target.get(), SHUT_WR);
  }
}

void PortForwardSession::OnTarget(const std::string& request_id,
                                  short revents) {
  Pair& p = pairs_[request_id];
  if (!p.connected) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(p.target.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0)
      return Fail(request_id, ErrnoToStatus(err, "connect").message());
    OnConnected(p);
  }
  if (revents & POLLOUT) {
    p.to_target.Flush();
    if (p.client_done && !p.to_target.pending()) {
      shutdown(p.target.get(), SHUT_WR);
    }
  }
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    char buf[32 * 1024];
    ssize_t n = recv(p.target.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      conn_.Send(p.data, absl::string_view(buf, static_cast<size_t>(n)));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      return End(request_id);  // the pod's side is done
    }
  }
  if (p.to_target.failed()) return End(request_id);
  UpdateEvents(p);
}

void PortForwardSession::UpdateEvents(Pair& p) {
  poller_.SetEvents(p.target.get(),
                    p.to_target.pending() ? POLLIN | POLLOUT : POLLIN);
}

void PortForwardSession::OnData(uint32_t id, absl::string_view data) {
  Pair* p = PairOf(id);
  if (p == nullptr || id != p->data) return;
  if (!p->connected) {
    p->early.append(data.data(), data.size());
    return;
  }
  p->to_target.Write(data);
  UpdateEvents(*p);
}

void PortForwardSession::OnFin(uint32_t id) {
  Pair* p = PairOf(id);
  if (p == nullptr || id != p->data) return;  // the error stream: unused
  p->client_done = true;
  if (p->connected && !p->to_target.pending()) {
    shutdown(p->target.get(), SHUT_WR);
  }
}

void PortForwardSession::OnReset(uint32_t id) {
  auto r = request_of_.find(id);
  if (r != request_of_.end()) End(r->second);
}

void PortForwardSession::Fail(const std::string& request_id,
                              absl::string_view why) {
  Pair& p = pairs_[request_id];
  std::string message = absl::StrCat("error forwarding port ", p.port,
                                     " to pod ", target_.pod_id, ": ", why);
  LOG(WARNING) << "streaming: " << message;
  conn_.Send(p.error, message);
  End(request_id);
}

void PortForwardSession::End(const std::string& request_id) {
  auto it = pairs_.find(request_id);
  if (it == pairs_.end()) return;
  Pair& p = it->second;
  if (p.target) poller_.Unwatch(p.target.get());
  conn_.Finish(p.data);
  conn_.Finish(p.error);
  request_of_.erase(p.data);
  request_of_.erase(p.error);
  pairs_.erase(it);
}

size_t PortForwardSession::Buffered() const {
  size_t total = 0;
  for (const auto& [id, p] : pairs_) total += p.to_target.buffered();
  return total;
}

void PortForwardSession::Run() {
  poller_.Watch(conn_.fd(), POLLIN,
                [this](short) { conn_.ReadAvailable(*this); });
  conn_.ReadAvailable(*this);
  while (!conn_.closed()) {
    poller_.SetEvents(conn_.fd(), Buffered() > kMaxBuffered ? 0 : POLLIN);
    if (!poller_.RunOnce(absl::InfiniteDuration()).ok()) break;
  }
}

}  // namespace

void RunPortForwardSession(SpdyConnection& conn,
                           const PortForwardTarget& target) {
  PortForwardSession(conn, target).Run();
}

}  // namespace crisp::streaming
