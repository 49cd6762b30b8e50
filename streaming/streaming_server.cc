#include "streaming/streaming_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "glog/logging.h"
#include "streaming/http_upgrade.h"
#include "streaming/session.h"

namespace crisp::streaming {
namespace {

// The socket address of `address`:`port`; InvalidArgument for a non-IP.
absl::StatusOr<sockaddr_storage> SocketAddress(const std::string& address,
                                               int port, socklen_t* len) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in6);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("streaming address \"", address, "\": not an IP address"));
  }
  return ss;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StreamingServer>> StreamingServer::Start(
    StreamingServerOptions options) {
  std::unique_ptr<StreamingServer> s(new StreamingServer(std::move(options)));
  RETURN_IF_ERROR(s->Listen());
  s->acceptor_ = std::thread([raw = s.get()] { raw->AcceptLoop(); });
  LOG(INFO) << "streaming server on " << s->base_url();
  return s;
}

absl::Status StreamingServer::Listen() {
  socklen_t len = 0;
  ASSIGN_OR_RETURN(sockaddr_storage ss,
                   SocketAddress(options_.address, options_.port, &len));
  listen_.Reset(socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listen_) return LastErrno("streaming server socket");
  int one = 1;
  setsockopt(listen_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  std::string where = absl::StrCat(options_.address, ":", options_.port);
  if (bind(listen_.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return LastErrno("streaming server: bind " + where);
  }
  if (listen(listen_.get(), 128) != 0) {
    return LastErrno("streaming server: listen on " + where);
  }
  socklen_t got = sizeof(ss);
  getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&ss), &got);
  port_ = ntohs(ss.ss_family == AF_INET
                    ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                    : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  wake_.Reset(eventfd(0, EFD_CLOEXEC));
  if (!wake_) return LastErrno("streaming server eventfd");
  return absl::OkStatus();
}

std::string StreamingServer::base_url() const {
  bool v6 = options_.address.find(':') != std::string::npos;
  return absl::StrCat("http://", v6 ? "[" : "", options_.address, v6 ? "]" : "",
                      ":", port_);
}

absl::StatusOr<std::string> StreamingServer::UrlFor(StreamRequest request) {
  const char* kind = std::holds_alternative<ExecStreamRequest>(request) ? "exec"
                     : std::holds_alternative<AttachRequest>(request)
                         ? "attach"
                         : "portforward";
  ASSIGN_OR_RETURN(std::string token, tokens_.Insert(std::move(request)));
  return absl::StrCat(base_url(), "/", kind, "/", token);
}

namespace {

// Out of descriptors or memory, accept4 keeps failing while the socket
// stays readable: waiting this long (or for the stop) instead of spinning
// lets connections end and free what is short.
constexpr int kAcceptBackoffMs = 100;

bool IsResourceShortage(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

}  // namespace

void StreamingServer::AcceptLoop() {
  bool backoff = false;
  for (;;) {
    pollfd fds[2] = {{wake_.get(), POLLIN, 0}, {listen_.get(), POLLIN, 0}};
    int ready = poll(fds, backoff ? 1 : 2, backoff ? kAcceptBackoffMs : -1);
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents) break;
    backoff = false;
    if (!fds[1].revents) continue;
    UniqueFd conn(accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) {
      backoff = IsResourceShortage(errno);
      LOG_IF(WARNING, backoff)
          << "streaming server: accept: " << strerror(errno) << "; backing off";
      continue;
    }
    if (!Admit(std::move(conn))) break;
  }
}

// Starts a thread for `conn`, or answers 503 when the cap is reached or no
// thread can be made; false once the server is stopping.
bool StreamingServer::Admit(UniqueFd conn) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  if (static_cast<int>(connections_.size()) >= options_.max_connections) {
    VLOG(1) << "streaming server: " << connections_.size()
            << " connections, refusing one more";
    WriteHttpError(conn.get(), 503, "too many streaming connections");
    return true;
  }
  // A duplicate to shut down at stop: the session closes its own, and
  // the number could be reused while this one stays ours.
  UniqueFd tracked(fcntl(conn.get(), F_DUPFD_CLOEXEC, 0));
  if (!tracked) return true;
  int fd = conn.get(), t = tracked.get();
  try {
    std::thread([this, fd, t] { Serve(UniqueFd(fd), t); }).detach();
  } catch (const std::system_error& e) {
    // Out of threads: this client is refused, crispd keeps serving.
    LOG(WARNING) << "streaming server: no thread for a connection: "
                 << e.what();
    WriteHttpError(conn.get(), 503, "streaming server out of threads");
    return true;
  }
  (void)conn.Release();
  connections_.insert(tracked.Release());
  ++threads_;
  return true;
}

void StreamingServer::Serve(UniqueFd socket, int tracked) {
  ServeConnection(std::move(socket), tokens_, options_.backends);
  absl::MutexLock lock(&mu_);
  connections_.erase(tracked);
  close(tracked);
  --threads_;
}

StreamingServer::~StreamingServer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    // Wakes every session: its socket reads EOF, so it ends (and kills
    // its exec process).
    for (int fd : connections_) shutdown(fd, SHUT_RDWR);
  }
  uint64_t one = 1;
  (void)!write(wake_.get(), &one, sizeof(one));
  if (acceptor_.joinable()) acceptor_.join();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &threads_));
}

}  // namespace crisp::streaming
