// What pulls in progress hold: blobs and snapshots that garbage collection
// must not remove although no image references them yet. GC runs under
// the same lock (Lock), so a pull that has taken its lease sees a stable
// store: what exists stays until it releases the lease.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace crisp::image {

class Leases {
 public:
  class Lease {
   public:
    Lease(Leases* owner, std::vector<std::string> keys)
        : owner_(owner), keys_(std::move(keys)) {}
    Lease(Lease&& o) noexcept : owner_(o.owner_), keys_(std::move(o.keys_)) {
      o.keys_.clear();
    }
    Lease(const Lease&) = delete;
    ~Lease() { owner_->Release(keys_); }

   private:
    Leases* owner_;
    std::vector<std::string> keys_;
  };

  // Holds `keys` (blob digests and snapshot chain ids) until the Lease goes.
  Lease Acquire(std::vector<std::string> keys) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    for (const auto& k : keys) ++held_[k];
    return Lease(this, std::move(keys));
  }
  bool Held(const std::string& key) const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return held_.count(key) > 0;
  }
  absl::Mutex& mutex() ABSL_LOCK_RETURNED(mu_) { return mu_; }

 private:
  void Release(const std::vector<std::string>& keys) {
    absl::MutexLock lock(&mu_);
    for (const auto& k : keys) {
      if (--held_[k] <= 0) held_.erase(k);
    }
  }
  mutable absl::Mutex mu_;
  std::map<std::string, int> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::image
