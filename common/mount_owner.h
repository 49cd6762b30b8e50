// An owned mount point, detached (MNT_DETACH) when its owner goes away unless
// released. Rollback code registers mounts through it so that a failed
// setup leaves no mount behind.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace crisp {

// umount2(MNT_DETACH) of `target`; one that is not mounted (or missing) is
// already done, so teardown code can repeat it after a crash.
[[nodiscard]] absl::Status DetachMount(const std::string& target);

class MountOwner {
 public:
  MountOwner() = default;
  explicit MountOwner(std::string target) : target_(std::move(target)) {}
  MountOwner(const MountOwner&) = delete;
  MountOwner& operator=(const MountOwner&) = delete;
  MountOwner(MountOwner&& other) noexcept;
  MountOwner& operator=(MountOwner&& other) noexcept;
  ~MountOwner();

  const std::string& target() const { return target_; }
  bool owns() const { return !target_.empty(); }

  // Keeps the mount in place and forgets it.
  std::string Release();
  // Unmounts now, reporting the error instead of only logging it.
  [[nodiscard]] absl::Status Unmount();

 private:
  std::string target_;
};

}  // namespace crisp
