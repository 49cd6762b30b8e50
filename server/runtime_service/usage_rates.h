// CPU usage rates (nano cores) from consecutive cumulative samples, as
// kubelet and containerd compute them: the usage since the previous sample
// of the same pod or container over the time between the two. A small
// bounded cache keyed by id; ids that are gone are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"

namespace crisp::server {

class UsageRates {
 public:
  explicit UsageRates(size_t capacity = 8192) : capacity_(capacity) {}

  // Records (usage_ns, timestamp_ns) for `id` and returns the rate since
  // its previous sample: 0 for a first sample, for a counter that went
  // back (a new cgroup under the same id) and for a clock that did not
  // move forward. At capacity the oldest sample is dropped.
  uint64_t NanoCores(const std::string& id, uint64_t usage_ns,
                     int64_t timestamp_ns);
  // Drops the samples of every id not in `live`.
  void Retain(const std::set<std::string>& live);
  size_t size() const;

 private:
  struct Sample {
    uint64_t usage_ns = 0;
    int64_t timestamp_ns = 0;
  };
  void EvictOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::map<std::string, Sample> samples_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::server
