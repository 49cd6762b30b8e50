// The container's root: propagation of "/", the rootfs bind mount,
// pivot_root (MS_MOVE + chroot only where pivot_root is impossible), masked
// and read-only paths, and the read-only root.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp::runtime::rootfs {

// Makes "/" rslave (or `propagation`), the mount holding rootfs a slave (or
// private) if it is shared (in this mount namespace only), and bind-mounts
// rootfs onto itself so that it is a mount point; returns an O_PATH fd on
// it.
[[nodiscard]] absl::StatusOr<UniqueFd> Prepare(const std::string& rootfs,
                                               const std::string& propagation);

// pivot_root into rootfs, detaching the old root, then applies
// `propagation` (rootfsPropagation; default rslave) to the new "/".
[[nodiscard]] absl::Status PivotRoot(const std::string& rootfs,
                                     const std::string& propagation);

// After pivot_root: hides maskedPaths, makes readonlyPaths read-only.
[[nodiscard]] absl::Status MaskPaths(const std::vector<std::string>& paths);
[[nodiscard]] absl::Status ReadonlyPaths(const std::vector<std::string>& paths);
[[nodiscard]] absl::Status RemountRootReadonly();

}  // namespace crisp::runtime::rootfs
