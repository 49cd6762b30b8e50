#include "image/registry/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <chrono>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "image/registry/address_policy.h"

namespace crisp::image {
namespace {

constexpr size_t kMaxBufferedBody = 16 << 20;

// One curl handle per thread: reset between requests, it keeps its
// connection cache, so manifest and blob requests reuse connections.
class ThreadCurl {
 public:
  ThreadCurl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    handle_ = curl_easy_init();
  }
  ~ThreadCurl() { curl_easy_cleanup(handle_); }
  CURL* get() {
    curl_easy_reset(handle_);
    return handle_;
  }

 private:
  CURL* handle_;
};

struct Transfer {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
  absl::Status sink_status;
  bool registry_chosen = false;  // this hop: check the address (L3)
  absl::Status refused;          // the address check's verdict
  curl_off_t last_bytes = -1;
  std::chrono::steady_clock::time_point last_progress =
      std::chrono::steady_clock::now();
  bool stalled = false;
  bool cancelled = false;
};

bool Cancelled(Transfer* t) {
  if (!t->cancelled && t->request->cancelled) {
    t->cancelled = t->request->cancelled();
  }
  return t->cancelled;
}

// Refuses the connection before its SYN when a registry-chosen hop
// resolves to a forbidden address.
curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* a) {
  auto* t = static_cast<Transfer*>(user);
  if (t->registry_chosen) {
    char ip[INET6_ADDRSTRLEN] = "";
    const void* raw =
        a->family == AF_INET6
            ? static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(&a->addr)->sin6_addr)
            : &reinterpret_cast<const sockaddr_in*>(&a->addr)->sin_addr;
    inet_ntop(a->family, raw, ip, sizeof ip);
    t->refused =
        CheckRegistryChosenTarget(t->request->url, ip, t->request->loopback_ok);
    if (!t->refused.ok()) return CURL_SOCKET_BAD;
  }
  return ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

// The same check on a reused connection, which opens no socket.
int OnPrereq(void* user, char* ip, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->registry_chosen) return CURL_PREREQFUNC_OK;
  t->refused =
      CheckRegistryChosenTarget(t->request->url, ip, t->request->loopback_ok);
  return t->refused.ok() ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

// curl's own low-speed limit averages over a window of several seconds;
// this fails as soon as no byte has moved for stall_seconds.
int OnProgress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t,
               curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (Cancelled(t)) return 1;  // aborts the transfer
  auto now = std::chrono::steady_clock::now();
  if (dlnow + ulnow != t->last_bytes) {
    t->last_bytes = dlnow + ulnow;
    t->last_progress = now;
    return 0;
  }
  if (now - t->last_progress >=
      std::chrono::seconds(t->request->timeouts.stall_seconds)) {
    t->stalled = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  absl::string_view line(data, size * n);
  if (absl::StartsWith(line, "HTTP/")) t->response->headers.clear();
  size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    t->response->headers.emplace_back(
        absl::AsciiStrToLower(line.substr(0, colon)),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 200 && code < 300 && t->request->sink) {
    t->sink_status = t->request->sink(code, data, len);
    return t->sink_status.ok() ? len : 0;  // 0 aborts the transfer
  }
  if (t->response->body.size() + len > kMaxBufferedBody) {
    t->sink_status = absl::ResourceExhaustedError(
        absl::StrCat("response from ", t->request->url, " exceeds 16 MiB"));
    return 0;
  }
  t->response->body.append(data, len);
  return len;
}

void SetTls(CURL* c, const TlsOptions& tls) {
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_file.empty())
    curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, tls.cert_file.c_str());
  }
  if (!tls.key_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLKEY, tls.key_file.c_str());
  }
}

absl::Status CurlError(CURLcode rc, const std::string& url,
                       const HttpTimeouts& timeouts) {
  std::string what = absl::StrCat(url, ": ", curl_easy_strerror(rc));
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
      rc == CURLE_SSL_CERTPROBLEM) {
    // Not transient: no retry, no plain-HTTP fallback.
    return absl::FailedPreconditionError(
        absl::StrCat(what,
                     " (TLS certificate not trusted: set ca_file, or "
                     "insecure_skip_verify, for this host in crisp.toml)"));
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, " (no connection within ", timeouts.connect_seconds,
                     "s, or slower than ", timeouts.low_speed_bytes,
                     " bytes/s for ", timeouts.low_speed_seconds, "s)"));
  }
  return absl::UnavailableError(what);
}

void SetTimeouts(CURL* c, const HttpTimeouts& timeouts) {
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long{timeouts.connect_seconds});
  if (timeouts.low_speed_bytes > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT,
                     long{timeouts.low_speed_bytes});
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                     long{timeouts.low_speed_seconds});
  }
}

void SetCallbacks(CURL* c, Transfer* t) {
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, t);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, OnPrereq);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, t);
}

// Why a transfer ended early, or OK.
absl::Status TransferError(const Transfer& t, CURLcode rc,
                           const HttpRequest& req) {
  if (!t.refused.ok()) return t.refused;
  if (t.cancelled) {
    return absl::CancelledError(
        absl::StrCat(req.url, ": cancelled (the client went away)"));
  }
  if (!t.sink_status.ok()) return t.sink_status;
  if (t.stalled) {
    return absl::DeadlineExceededError(absl::StrCat(
        req.url, ": no progress for ", req.timeouts.stall_seconds, "s"));
  }
  if (rc != CURLE_OK) return CurlError(rc, req.url, req.timeouts);
  return absl::OkStatus();
}

// One request, no redirect handling; `registry_chosen`: check the address.
absl::StatusOr<HttpResponse> DoOnce(const HttpRequest& req,
                                    bool registry_chosen) {
  thread_local ThreadCurl curl;
  CURL* c = curl.get();
  HttpResponse resp;
  Transfer t{.curl = c,
             .request = &req,
             .response = &resp,
             .registry_chosen = registry_chosen};
  curl_slist* headers = nullptr;
  for (const auto& h : req.headers)
    headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "crisp");
  SetTimeouts(c, req.timeouts);
  SetCallbacks(c, &t);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L << 10);
  if (req.method == "POST" || req.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(req.body.size()));
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  }
  SetTls(c, req.tls);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  RETURN_IF_ERROR(TransferError(t, rc, req));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  resp.url = req.url;
  return resp;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

std::vector<std::string> HttpResponse::Headers(absl::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == name) out.push_back(v);
  }
  return out;
}

std::string UrlOrigin(absl::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  return absl::AsciiStrToLower(url.substr(0, end));
}

std::string ResolveUrl(absl::string_view base, absl::string_view location) {
  if (location.find("://") != absl::string_view::npos) {
    return std::string(location);
  }
  if (absl::StartsWith(location, "//")) {
    return absl::StrCat(base.substr(0, base.find("://") + 1), location);
  }
  if (absl::StartsWith(location, "/")) {
    return absl::StrCat(UrlOrigin(base), location);
  }
  absl::string_view dir = base.substr(0, base.rfind('/') + 1);
  return absl::StrCat(dir, location);
}

absl::StatusOr<HttpResponse> HttpDo(const HttpRequest& request) {
  HttpRequest req = request;
  for (int hop = 0;; ++hop) {
    ASSIGN_OR_RETURN(HttpResponse resp,
                     DoOnce(req, hop > 0 || req.registry_chosen));
    std::string location = resp.Header("location");
    if (!IsRedirect(resp.status) || location.empty()) return resp;
    if (hop >= req.max_redirects) {
      return absl::UnavailableError(
          absl::StrCat(request.url, ": too many redirects"));
    }
    std::string next = ResolveUrl(req.url, location);
    // Blob storage (S3, a CDN) is another origin: it must never see the
    // registry credentials.
    if (UrlOrigin(next) != UrlOrigin(req.url)) {
      std::erase_if(req.headers, [](const std::string& h) {
        return absl::StartsWithIgnoreCase(h, "authorization:");
      });
    }
    if (resp.status == 303) req.method = "GET";
    req.url = next;
  }
}

}  // namespace crisp::image
