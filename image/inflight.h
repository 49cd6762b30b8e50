// Work keyed by a name (a blob digest, a snapshot chain id) that must not
// run twice at once: the first caller runs it, callers arriving meanwhile
// wait for it to finish and then re-check (the work may have failed for the
// first caller, e.g. with its credentials, and succeed for theirs).
#pragma once

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace crisp::image {

class InFlight {
 public:
  // Runs `done()`; if false, runs `work()` unless another caller is already
  // running work for `key`, in which case it waits for that one and starts
  // over. Returns work's status, or OK when `done()` became true. An
  // exception from `work()` propagates, and the key is free again.
  template <typename Done, typename Work>
  [[nodiscard]] absl::Status Run(const std::string& key, Done done, Work work) {
    for (;;) {
      if (done()) return absl::OkStatus();
      {
        absl::MutexLock lock(&mu_);
        if (running_.count(key) > 0) {
          auto finished = [this, &key]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
            return running_.count(key) == 0;
          };
          mu_.Await(absl::Condition(&finished));
          continue;
        }
        running_[key] = true;
      }
      // Erased however work() ends: an exception that left the key marked
      // would make every later caller for it wait forever.
      absl::Cleanup finished = [this, &key] {
        absl::MutexLock lock(&mu_);
        running_.erase(key);
      };
      return work();
    }
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, bool> running_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::image
