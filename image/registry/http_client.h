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
  // A transfer slower than low_speed_bytes per second for low_speed_seconds
  // fails (DeadlineExceeded): a registry trickling one byte just often
  // enough to dodge the stall timer cannot hold a pull forever (audit L9).
  // 0 bytes: no minimum.
  int low_speed_bytes = 1024;
  int low_speed_seconds = 60;
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
  // Audit L3: redirects are chosen by the registry, and so is the whole
  // request when `registry_chosen` (a token realm). Those hops may not
  // connect to link-local addresses, nor to loopback unless `loopback_ok`
  // (the registry itself is on loopback): see address_policy.h.
  bool registry_chosen = false;
  bool loopback_ok = false;
  // Polled during the transfer (about once a second and on every chunk):
  // true aborts it with Cancelled (the CRI client went away, audit L9).
  std::function<bool()> cancelled;
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
// reset), DeadlineExceeded (stall, too slow), Cancelled (`cancelled`) or
// PermissionDenied (a refused registry-chosen address), naming the URL; an
// HTTP error status is not a failure here: the caller reads `status`.
[[nodiscard]] absl::StatusOr<HttpResponse> HttpDo(const HttpRequest& request);

// "scheme://host[:port]" of a URL, used to decide whether a redirect stays
// on the same origin.
std::string UrlOrigin(absl::string_view url);

// Resolves a Location header against the URL it came from.
std::string ResolveUrl(absl::string_view base, absl::string_view location);

}  // namespace crisp::image
