#include "tests/unit/image/fake_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace crisp::image::testing {
namespace {

// Reads the request head and, when Content-Length says so, the body.
std::string ReadRequest(int fd) {
  std::string data;
  char buf[4096];
  size_t want = std::string::npos;
  while (data.size() < want) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    size_t end = data.find("\r\n\r\n");
    if (end == std::string::npos || want != std::string::npos) continue;
    want = end + 4;
    std::string head = absl::AsciiStrToLower(data.substr(0, end));
    size_t cl = head.find("content-length:");
    size_t len = 0;
    if (cl != std::string::npos &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(head.substr(
                             cl + 15, head.find("\r\n", cl) - cl - 15)),
                         &len)) {
      want += len;
    }
  }
  return data;
}

FakeRequest ParseRequest(const std::string& data) {
  FakeRequest r;
  std::vector<std::string> lines =
      absl::StrSplit(data.substr(0, data.find("\r\n\r\n")), "\r\n");
  if (lines.empty()) return r;
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() >= 2) r.method = first[0], r.target = first[1];
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  return r;
}

// MSG_NOSIGNAL: a client that hung up must not SIGPIPE the test.
bool WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listen_fd_, 64);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string FakeHttpServer::host() const {
  return absl::StrCat("127.0.0.1:", port_);
}

void FakeHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Answer(fd);
    ::close(fd);
  }
}

void FakeHttpServer::Answer(int fd) {
  FakeRequest req = ParseRequest(ReadRequest(fd));
  ++requests_;
  FakeResponse resp = handler_(req);
  std::string head = absl::StrCat("HTTP/1.1 ", resp.status, " X\r\n",
                                  "Content-Type: ", resp.content_type, "\r\n",
                                  "Content-Length: ", resp.body.size(), "\r\n",
                                  "Connection: close\r\n");
  for (const auto& [k, v] : resp.headers)
    absl::StrAppend(&head, k, ": ", v, "\r\n");
  std::string body = req.method == "HEAD" ? "" : resp.body;
  if (resp.trickle_ms <= 0) {
    WriteAll(fd, head + "\r\n" + body);
    return;
  }
  if (!WriteAll(fd, head + "\r\n")) return;
  for (char c : body) {
    if (stop_ || !WriteAll(fd, std::string(1, c))) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(resp.trickle_ms));
  }
}

}  // namespace crisp::image::testing
