#include "streaming/token_cache.h"

#include <sys/random.h>

#include "absl/strings/escaping.h"

namespace crisp::streaming {

std::string NewToken() {
  char bytes[8];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  return absl::WebSafeBase64Escape(absl::string_view(bytes, sizeof(bytes)));
}

absl::StatusOr<std::string> TokenCache::Insert(StreamRequest request) {
  absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  DropExpired(now);
  if (entries_.size() >= options_.max_pending) {
    return absl::ResourceExhaustedError(
        "streaming: too many exec/attach/port-forward URLs pending");
  }
  std::string token;
  do {
    token = NewToken();
  } while (entries_.contains(token));
  entries_[token] = Entry{std::move(request), now + options_.ttl};
  return token;
}

std::optional<StreamRequest> TokenCache::Consume(const std::string& token) {
  absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  if (now >= entry.expires) return std::nullopt;
  return std::move(entry.request);
}

void TokenCache::DropExpired(absl::Time now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now >= it->second.expires ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace crisp::streaming
