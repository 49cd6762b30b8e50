// A rootfs "mount" that is a plain directory, so container lifecycles run
// without root; it remembers what is mounted and can fail on demand.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/files.h"
#include "containers/rootfs_mount.h"

namespace crisp::containers {

class FakeRootfs final : public RootfsMounter {
 public:
  void FailNextMount(absl::Status error) {
    absl::MutexLock l(&mu_);
    next_error_ = std::move(error);
  }
  std::set<std::string> Mounted() {
    absl::MutexLock l(&mu_);
    return mounted_;
  }

  absl::Status Mount(const std::vector<std::string>& lower,
                     const std::string& layer,
                     const std::string& target) override {
    absl::MutexLock l(&mu_);
    if (!next_error_.ok()) return std::exchange(next_error_, absl::OkStatus());
    if (absl::Status s = MakeDirs(target, 0755); !s.ok()) return s;
    mounted_.insert(target);
    return absl::OkStatus();
  }
  absl::Status Unmount(const std::string& target) override {
    absl::MutexLock l(&mu_);
    mounted_.erase(target);
    return absl::OkStatus();
  }

 private:
  absl::Mutex mu_;
  absl::Status next_error_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> mounted_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::containers
