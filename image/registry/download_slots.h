// A bound on layer downloads in flight across all pulls (containerd's CRI
// plugin shares one such limit too): with kubelet pulling several images
// at once, each still gets whole slots instead of a thrashing share.
#pragma once

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace crisp::image {

class DownloadSlots {
 public:
  explicit DownloadSlots(int slots) : free_(slots) {}

  // Holds one slot for its lifetime, unless `cancelled` turned true while
  // it waited for one (held() is then false): a cancelled pull does not
  // queue behind others' downloads.
  class Slot {
   public:
    explicit Slot(DownloadSlots* owner,
                  const std::function<bool()>& cancelled = {})
        : owner_(owner), held_(owner_->Take(cancelled)) {}
    ~Slot() {
      if (held_) owner_->Give();
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    bool held() const { return held_; }

   private:
    DownloadSlots* owner_;
    bool held_;
  };

 private:
  bool Take(const std::function<bool()>& cancelled) {
    absl::MutexLock lock(&mu_);
    auto available = [this]()
                         ABSL_SHARED_LOCKS_REQUIRED(mu_) { return free_ > 0; };
    while (!mu_.AwaitWithTimeout(absl::Condition(&available),
                                 absl::Milliseconds(200))) {
      if (cancelled && cancelled()) return false;
    }
    --free_;
    return true;
  }
  void Give() {
    absl::MutexLock lock(&mu_);
    ++free_;
  }

  absl::Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::image
