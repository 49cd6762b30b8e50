// crispd's streaming server (kubelet's CRI streaming server, in C++): the
// Exec, Attach and PortForward RPCs get a URL from it
// (http://<address>:<port>/{exec,attach,portforward}/<token>), and a client
// that connects there upgrades to SPDY/3.1 and gets its session. One
// thread accepts; each connection gets a thread of its own that serves it
// to the end (a session polls all of its fds in that one thread), up to
// max_connections at once: more are answered 503 without a thread.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/unique_fd.h"
#include "streaming/requests.h"
#include "streaming/token_cache.h"

namespace crisp::streaming {

// Connections served at once (each has a thread); one more is answered
// 503 and closed, so idle sockets cannot exhaust crispd's threads.
inline constexpr int kDefaultMaxConnections = 256;

struct StreamingServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  int port = 0;                       // 0: an ephemeral port
  Backends backends;
  TokenCacheOptions tokens;
  int max_connections = kDefaultMaxConnections;
};

class StreamingServer {
 public:
  // Binds and starts accepting.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<StreamingServer>> Start(
      StreamingServerOptions options);
  // Stops accepting, hangs up every connection (exec processes are
  // killed) and waits for their threads.
  ~StreamingServer();

  // The URL that serves `request` once (for a minute).
  [[nodiscard]] absl::StatusOr<std::string> UrlFor(StreamRequest request);
  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (IPv6 in brackets).
  std::string base_url() const;

 private:
  explicit StreamingServer(StreamingServerOptions options)
      : options_(std::move(options)), tokens_(options_.tokens) {}
  [[nodiscard]] absl::Status Listen();
  void AcceptLoop();
  bool Admit(UniqueFd conn);
  void Serve(UniqueFd socket, int tracked);

  StreamingServerOptions options_;
  TokenCache tokens_;
  UniqueFd listen_, wake_;  // wake_: an eventfd that ends AcceptLoop
  int port_ = 0;
  std::thread acceptor_;
  absl::Mutex mu_;
  std::set<int> connections_ ABSL_GUARDED_BY(mu_);  // dups of live sockets
  int threads_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace crisp::streaming
