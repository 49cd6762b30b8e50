#include "common/mount_owner.h"

#include <sys/mount.h>

#include <cerrno>
#include <utility>

#include "common/status.h"
#include "glog/logging.h"

namespace crisp {

MountOwner::MountOwner(MountOwner&& other) noexcept
    : target_(other.Release()) {}

MountOwner& MountOwner::operator=(MountOwner&& other) noexcept {
  if (this != &other) {
    if (auto s = Unmount(); !s.ok()) LOG(WARNING) << s;
    target_ = other.Release();
  }
  return *this;
}

MountOwner::~MountOwner() {
  if (auto s = Unmount(); !s.ok()) LOG(WARNING) << s;
}

std::string MountOwner::Release() { return std::exchange(target_, {}); }

absl::Status DetachMount(const std::string& target) {
  if (::umount2(target.c_str(), MNT_DETACH) != 0 && errno != EINVAL &&
      errno != ENOENT) {
    return LastErrno("unmount " + target);
  }
  return absl::OkStatus();
}

absl::Status MountOwner::Unmount() {
  if (target_.empty()) return absl::OkStatus();
  return DetachMount(Release());
}

}  // namespace crisp
