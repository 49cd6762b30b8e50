#include "streaming/http_upgrade.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace crisp::streaming {
namespace {

namespace http = boost::beast::http;

constexpr size_t kMaxHead = 64 * 1024;

bool ListHas(absl::string_view list, absl::string_view token) {
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(item), token)) {
      return true;
    }
  }
  return false;
}

HttpRequest FromParsed(const http::request<http::empty_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  std::string target(req.target());
  r.path = target.substr(0, target.find('?'));
  auto range = req.equal_range("X-Stream-Protocol-Version");
  for (auto it = range.first; it != range.second; ++it) {
    for (absl::string_view v :
         absl::StrSplit(std::string(it->value()), ',', absl::SkipEmpty())) {
      r.protocols.emplace_back(absl::StripAsciiWhitespace(v));
    }
  }
  r.spdy_upgrade =
      ListHas(std::string(req[http::field::connection]), "upgrade") &&
      ListHas(std::string(req[http::field::upgrade]), "SPDY/3.1");
  return r;
}

bool SendAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

absl::StatusOr<HttpRequest> ReadHttpRequest(int fd, absl::Duration timeout) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxHead);
  std::string buffer;
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    pollfd p = {fd, POLLIN, 0};
    if (ms <= 0 || poll(&p, 1, ms) <= 0) {
      return absl::DeadlineExceededError("streaming: no HTTP request in time");
    }
    char chunk[4096];
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InvalidArgumentError("streaming: client hung up");
    buffer.append(chunk, static_cast<size_t>(n));
    boost::system::error_code ec;
    size_t used =
        parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
    if (ec == http::error::need_more) continue;
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("streaming: bad HTTP request: ", ec.message()));
    }
    buffer.erase(0, used);
    if (!parser.is_header_done()) continue;
    HttpRequest r = FromParsed(parser.get());
    r.leftover = std::move(buffer);
    return r;
  }
}

void WriteHttpError(int fd, int code, absl::string_view text,
                    absl::string_view headers) {
  std::string body = absl::StrCat(text, "\n");
  auto reason = http::obsolete_reason(static_cast<http::status>(code));
  (void)SendAll(fd,
                absl::StrCat("HTTP/1.1 ", code, " ",
                             absl::string_view(reason.data(), reason.size()),
                             "\r\nContent-Type: text/plain; "
                             "charset=utf-8\r\nContent-Length: ",
                             body.size(), "\r\n", headers,
                             "Connection: close\r\n\r\n", body));
}

bool WriteUpgradeResponse(int fd, absl::string_view protocol) {
  std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
      "Upgrade: SPDY/3.1\r\n";
  if (!protocol.empty()) {
    absl::StrAppend(&head, "X-Stream-Protocol-Version: ", protocol, "\r\n");
  }
  return SendAll(fd, head + "\r\n");
}

}  // namespace crisp::streaming
