// Streaming requests by single-use token, as kubelet's request cache:
// random URL-safe tokens that expire after a minute, at most 1000 pending.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "streaming/requests.h"

namespace crisp::streaming {

struct TokenCacheOptions {
  absl::Duration ttl = absl::Minutes(1);
  size_t max_pending = 1000;
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class TokenCache {
 public:
  explicit TokenCache(TokenCacheOptions options = {})
      : options_(std::move(options)) {}

  // A new token for `request`; ResourceExhausted when too many are pending.
  [[nodiscard]] absl::StatusOr<std::string> Insert(StreamRequest request);
  // The request, once: the token is gone afterwards. nullopt when unknown
  // or expired.
  std::optional<StreamRequest> Consume(const std::string& token);

 private:
  struct Entry {
    StreamRequest request;
    absl::Time expires;
  };
  void DropExpired(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  TokenCacheOptions options_;
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// 8 random bytes, base64url without padding (11 characters).
std::string NewToken();

}  // namespace crisp::streaming
