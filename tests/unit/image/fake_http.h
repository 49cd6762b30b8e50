// A tiny HTTP/1.1 server on 127.0.0.1 for unit tests of the registry and
// token clients: each connection carries one request, answered by a
// handler with a status, headers and a body, then closed. Hostile answers
// (wrongly typed JSON, wrong digests) are what it is for.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace crisp::image::testing {

struct FakeRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names in lower case
};

struct FakeResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  // > 0: the body goes out one byte every trickle_ms (a slow registry);
  // it stops early when the client hangs up or the server stops.
  int trickle_ms = 0;
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // "127.0.0.1:<port>"
  std::string host() const;
  std::string url(const std::string& path) const {
    return "http://" + host() + path;
  }
  int requests() const { return requests_.load(); }

 private:
  void Serve();
  void Answer(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace crisp::image::testing
