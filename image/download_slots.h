// A bound on layer downloads in flight across all pulls (containerd's CRI
// plugin shares one such limit too): with kubelet pulling several images
// at once, each still gets whole slots instead of a thrashing share.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace crisp::image {

class DownloadSlots {
 public:
  explicit DownloadSlots(int slots) : free_(slots) {}

  // Holds one slot for its lifetime.
  class Slot {
   public:
    explicit Slot(DownloadSlots* owner) : owner_(owner) { owner_->Take(); }
    ~Slot() { owner_->Give(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    DownloadSlots* owner_;
  };

 private:
  void Take() {
    absl::MutexLock lock(&mu_);
    auto available = [this]()
                         ABSL_SHARED_LOCKS_REQUIRED(mu_) { return free_ > 0; };
    mu_.Await(absl::Condition(&available));
    --free_;
  }
  void Give() {
    absl::MutexLock lock(&mu_);
    ++free_;
  }

  absl::Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::image
