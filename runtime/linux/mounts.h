// The spec's mounts[] inside the rootfs, before pivot_root: every
// destination is created and resolved inside the rootfs (never through a
// symlink that leaves it), then mounted through its /proc/self/fd path.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::mounts {

struct MountContext {
  int root_fd = -1;             // O_PATH fd of the (bind-mounted) rootfs
  bool user_namespace = false;  // sysfs falls back to an rbind of /sys
};

[[nodiscard]] absl::Status MountAll(const MountContext& ctx,
                                    const std::vector<oci::Mount>& mounts);

}  // namespace crisp::runtime::mounts
