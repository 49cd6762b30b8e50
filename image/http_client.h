// A small HTTP client over libcurl for the registry protocol: one request
// at a time per thread (each thread keeps its own curl handle, so
// connections are reused), bodies streamed to a sink, redirects followed
// by hand so that credentials never go to another host.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

struct TlsOptions {
  bool verify = true;     // false: accept any certificate (insecure)
  std::string ca_file;    // extra CA bundle
  std::string cert_file;  // client certificate (mTLS)
  std::string key_file;
};

struct HttpTimeouts {
  int connect_seconds = 30;
  // A transfer that moves no byte for this long fails (DeadlineExceeded)
  // instead of hanging forever.
  int stall_seconds = 60;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when method is POST or PUT
  // Receives the body of a 2xx response (with its status: 200 or 206) as it
  // streams in; other bodies (and every body when unset) are kept in
  // HttpResponse::body, up to 16 MiB.
  std::function<absl::Status(long status, const char* data, size_t size)> sink;
  TlsOptions tls;
  HttpTimeouts timeouts;
  int max_redirects = 5;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
  std::string body;
  std::string url;  // after redirects

  // The first value of header `name` (lowercase), or "".
  std::string Header(absl::string_view name) const;
  std::vector<std::string> Headers(absl::string_view name) const;
};

// Performs `request`. Transport failures are Unavailable (connect, TLS,
// reset) or DeadlineExceeded (stall), naming the URL; an HTTP error status
// is not a failure here: the caller reads `status`.
[[nodiscard]] absl::StatusOr<HttpResponse> HttpDo(const HttpRequest& request);

// "scheme://host[:port]" of a URL, used to decide whether a redirect stays
// on the same origin.
std::string UrlOrigin(absl::string_view url);

// Resolves a Location header against the URL it came from.
std::string ResolveUrl(absl::string_view base, absl::string_view location);

}  // namespace crisp::image
