// The registry protocol (OCI distribution / Docker registry v2) for one
// repository: endpoints (mirrors in order, then the origin), plain HTTP
// for loopback hosts, TLS options per host, the 401 challenge dance,
// retries with backoff, and blob downloads streamed into the content store
// (resumed with a Range request after a dropped connection).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "image/content/content_store.h"
#include "image/registry/http_client.h"
#include "image/registry/manifest.h"
#include "image/registry/reference.h"
#include "image/registry/registry_auth.h"

namespace crisp::image {

struct RegistryHost {
  std::vector<std::string> mirrors;  // "http(s)://host[:port][/prefix]"
  bool plain_http = false;
  bool insecure_skip_verify = false;
  std::string ca_file, cert_file, key_file;
};

struct RegistryOptions {
  std::map<std::string, RegistryHost> hosts;  // by "host[:port]"
  HttpTimeouts timeouts;
  int attempts = 4;  // per request, for 5xx, 429 and transport errors
  std::chrono::milliseconds backoff{250};  // doubled after each attempt
};

struct Endpoint {
  std::string base;  // "https://host:port" (+ optional path prefix)
  TlsOptions tls;
  bool mirror = false;
  // A loopback origin without config: its scheme is learned (SendOnce).
  bool may_fall_back_to_http = false;
};

// The endpoints for a registry host, in the order they are tried.
std::vector<Endpoint> EndpointsFor(const std::string& domain,
                                   const RegistryOptions& options);

struct FetchedManifest {
  std::string body;
  std::string content_type;
  std::string digest;  // computed from the body
};

class RegistryClient;

// One pull's view of one repository. Thread-safe: layers of one pull are
// fetched in parallel through the same session.
class RegistrySession {
 public:
  // `locator` is a tag or a digest; a digest is verified against the body.
  [[nodiscard]] absl::StatusOr<FetchedManifest> GetManifest(
      const std::string& locator);
  // Streams the blob into `writer` (not committed here).
  [[nodiscard]] absl::Status FetchBlob(const Descriptor& blob,
                                       BlobWriter* writer);

 private:
  friend class RegistryClient;
  RegistrySession(RegistryClient* client, Reference ref,
                  Credentials credentials, std::function<bool()> cancelled);
  bool Cancelled() const;
  [[nodiscard]] bool Backoff(std::chrono::milliseconds delay) const;
  [[nodiscard]] absl::StatusOr<HttpResponse> Send(const Endpoint& ep,
                                                  HttpRequest req);
  [[nodiscard]] absl::StatusOr<HttpResponse> SendWithRetries(
      const Endpoint& ep, const HttpRequest& req, int attempts);
  [[nodiscard]] absl::StatusOr<HttpResponse> SendOnce(const Endpoint& ep,
                                                      HttpRequest req);
  [[nodiscard]] absl::Status FetchBlobFrom(const Endpoint& ep,
                                           const Descriptor& blob,
                                           BlobWriter* writer);
  std::string Url(const Endpoint& ep, absl::string_view kind,
                  absl::string_view what) const;
  std::vector<Endpoint> Ordered();

  RegistryClient* client_;
  Reference ref_;
  Credentials credentials_;
  std::function<bool()> cancelled_;  // may be empty
  std::vector<Endpoint> endpoints_;
  absl::Mutex mu_;
  int preferred_ ABSL_GUARDED_BY(mu_) = 0;  // endpoint that served the manifest
  std::map<std::string, std::string> auth_ ABSL_GUARDED_BY(mu_);  // by base
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryOptions options)
      : options_(std::move(options)) {}
  // `cancelled`, polled during transfers and backoffs, ends the session's
  // requests with Cancelled when it turns true.
  std::unique_ptr<RegistrySession> Open(const Reference& ref,
                                        Credentials credentials,
                                        std::function<bool()> cancelled = {});
  // Whether credentials may go over plain HTTP to `host`: loopback, or
  // configured plain_http or insecure_skip_verify.
  bool ClearTextOk(absl::string_view host) const;
  const RegistryOptions& options() const { return options_; }
  TokenCache& tokens() { return tokens_; }
  // The scheme a loopback origin turned out to speak, learned once per
  // host: "" (not yet known), "http" or "https".
  std::string KnownScheme(const std::string& base);
  void SetScheme(const std::string& base, const std::string& scheme);

 private:
  RegistryOptions options_;
  TokenCache tokens_;
  absl::Mutex mu_;
  std::map<std::string, std::string> schemes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::image
