#include "server/runtime_service/usage_rates.h"

#include <algorithm>

namespace crisp::server {

uint64_t UsageRates::NanoCores(const std::string& id, uint64_t usage_ns,
                               int64_t timestamp_ns) {
  absl::MutexLock lock(&mu_);
  auto it = samples_.find(id);
  uint64_t rate = 0;
  if (it != samples_.end()) {
    const Sample& prev = it->second;
    if (usage_ns >= prev.usage_ns && timestamp_ns > prev.timestamp_ns) {
      // Over 128-bit so that long intervals of many cores cannot overflow.
      auto used = static_cast<unsigned __int128>(usage_ns - prev.usage_ns);
      rate = static_cast<uint64_t>(
          used * 1000000000u /
          static_cast<uint64_t>(timestamp_ns - prev.timestamp_ns));
    }
    if (timestamp_ns < prev.timestamp_ns) return rate;  // a stale reading
  } else if (samples_.size() >= capacity_) {
    EvictOldest();
  }
  samples_[id] = Sample{usage_ns, timestamp_ns};
  return rate;
}

void UsageRates::EvictOldest() {
  auto oldest = std::min_element(
      samples_.begin(), samples_.end(), [](const auto& a, const auto& b) {
        return a.second.timestamp_ns < b.second.timestamp_ns;
      });
  if (oldest != samples_.end()) samples_.erase(oldest);
}

void UsageRates::Retain(const std::set<std::string>& live) {
  absl::MutexLock lock(&mu_);
  for (auto it = samples_.begin(); it != samples_.end();) {
    it = live.count(it->first) ? std::next(it) : samples_.erase(it);
  }
}

size_t UsageRates::size() const {
  absl::MutexLock lock(&mu_);
  return samples_.size();
}

}  // namespace crisp::server
