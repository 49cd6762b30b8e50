// The CRI callers waiting for one shared pull, each with its own way of
// saying it went away (a cancelled RPC, a passed deadline). The pull is
// cancelled only when every caller still attached is: a pull shared by two
// kubelet requests goes on for the one that remains (audit L9).
#pragma once

#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace crisp::image {

class PullCallers {
 public:
  using Cancelled = std::function<bool()>;  // empty: never cancels

  // Attaches a caller; the handle detaches it.
  int Join(Cancelled cancelled) {
    absl::MutexLock lock(&mu_);
    callers_[next_] = std::move(cancelled);
    return next_++;
  }
  void Leave(int handle) {
    absl::MutexLock lock(&mu_);
    callers_.erase(handle);
  }
  // True when no attached caller still wants the result.
  bool AllCancelled() {
    absl::MutexLock lock(&mu_);
    for (const auto& [handle, cancelled] : callers_) {
      if (!cancelled || !cancelled()) return false;
    }
    return true;
  }

 private:
  absl::Mutex mu_;
  std::map<int, Cancelled> callers_ ABSL_GUARDED_BY(mu_);
  int next_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace crisp::image
