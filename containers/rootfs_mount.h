// A container's root file system: an overlay of the image's layers (lower,
// topmost first) under a writable layer of its own.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace crisp::containers {

// Makes layer/fs and layer/work and mounts the overlay at `target`. An
// image without layers gets an empty lower dir of its own.
[[nodiscard]] absl::Status MountRootfs(const std::vector<std::string>& lower,
                                       const std::string& layer,
                                       const std::string& target);
// Idempotent.
[[nodiscard]] absl::Status UnmountRootfs(const std::string& target);

// Where the container manager mounts and unmounts rootfs: the overlay
// below in crispd, a plain directory in tests that run without root.
class RootfsMounter {
 public:
  virtual ~RootfsMounter() = default;
  [[nodiscard]] virtual absl::Status Mount(
      const std::vector<std::string>& lower, const std::string& layer,
      const std::string& target) = 0;
  // Idempotent.
  [[nodiscard]] virtual absl::Status Unmount(const std::string& target) = 0;
};

class OverlayRootfs final : public RootfsMounter {
 public:
  absl::Status Mount(const std::vector<std::string>& lower,
                     const std::string& layer,
                     const std::string& target) override {
    return MountRootfs(lower, layer, target);
  }
  absl::Status Unmount(const std::string& target) override {
    return UnmountRootfs(target);
  }
};

// Creates the working directory `cwd` inside the mounted rootfs when the
// image lacks it (as runc and containerd do), owned by uid:gid; missing
// parents are root's. Confined to the rootfs (openat2 RESOLVE_IN_ROOT), so
// a symlink in the image cannot lead it out. A cwd that exists is left as
// it is.
[[nodiscard]] absl::Status MakeWorkingDir(const std::string& rootfs,
                                          const std::string& cwd, uid_t uid,
                                          gid_t gid);

}  // namespace crisp::containers
