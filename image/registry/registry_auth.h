// Registry authentication: WWW-Authenticate challenges, Bearer tokens from
// the realm (cached until they expire), Basic credentials, and the forms of
// CRI AuthConfig (username/password, base64 "auth", identity token,
// registry token).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "image/registry/http_client.h"

namespace crisp::image {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth2 refresh token (docker login)
  std::string registry_token;  // a bearer token to send as is
  // AuthConfig.server_address: when set, the registry these are for.
  std::string server_address;
  bool empty() const {
    return username.empty() && password.empty() && identity_token.empty() &&
           registry_token.empty();
  }
};

// Whether `c` may be offered to the registry at `host` ("host[:port]",
// after mirror resolution). As containerd's ParseAuth: credentials that
// name their server go to that host only, so docker.io's never reach a
// mirror (audit L2). server_address may be a URL or a bare host[:port];
// Docker Hub's names (docker.io, index.docker.io, registry-1.docker.io)
// are one host.
bool CredentialsApplyTo(const Credentials& c, absl::string_view host);

// Decodes the base64 "user:password" of AuthConfig.auth.
[[nodiscard]] absl::StatusOr<Credentials> DecodeAuth(absl::string_view auth);

struct Challenge {
  std::string scheme;  // lowercase: "bearer", "basic"
  std::map<std::string, std::string> params;
};

// Parses WWW-Authenticate values (RFC 7235, quoted strings with escapes).
std::vector<Challenge> ParseChallenges(const std::vector<std::string>& values);

// Bearer tokens by TokenCacheKey until they expire. Put drops expired
// entries and, at kMaxEntries, the one closest to expiry, so the cache
// stays small however many repositories are pulled.
class TokenCache {
 public:
  static constexpr size_t kMaxEntries = 1000;
  // The cached header value for `key`, or "" when absent or expired.
  std::string Get(const std::string& key);
  void Put(const std::string& key, std::string value,
           std::chrono::steady_clock::time_point expiry);
  size_t size();

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point expiry;
  };
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

struct AuthContext {
  const Credentials* credentials;
  std::string scope;  // "repository:<path>:pull"
  TlsOptions tls;     // for the token realm
  HttpTimeouts timeouts;
  TokenCache* cache;
  // The registry is on loopback: its realm may be too (audit L3).
  bool loopback_ok = false;
  // Whether credentials may go to this realm host over plain HTTP (it is
  // configured plain_http or insecure, or on loopback); null: never.
  std::function<bool(absl::string_view host)> clear_text_ok;
  std::function<bool()> cancelled;
};

// realm|service|scope|sha256 of the whole credential (username, password,
// identity token): a token is reused only for the same secret.
std::string TokenCacheKey(const Challenge& challenge, const AuthContext& ctx);

// The "Authorization: ..." header answering `challenge` (Basic or Bearer;
// a Bearer token is fetched from the realm unless cached). Unauthenticated
// when the realm refuses the credentials (its answer is logged, not
// returned: it could be anything the realm URL points at);
// FailedPrecondition when credentials would go to a plain-HTTP realm that
// is not allowed to receive them.
[[nodiscard]] absl::StatusOr<std::string> Authorize(const Challenge& challenge,
                                                    const AuthContext& ctx);

}  // namespace crisp::image
