// A container's root file system: an overlay of the image's layers (lower,
// topmost first) under a writable layer of its own.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace crisp::server::containers {

// Makes layer/fs and layer/work and mounts the overlay at `target`. An
// image without layers gets an empty lower dir of its own.
[[nodiscard]] absl::Status MountRootfs(const std::vector<std::string>& lower,
                                       const std::string& layer,
                                       const std::string& target);
// Idempotent.
[[nodiscard]] absl::Status UnmountRootfs(const std::string& target);

}  // namespace crisp::server::containers
