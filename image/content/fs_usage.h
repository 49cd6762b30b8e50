// Bytes and inodes used under a directory tree (du -s --inodes), for
// ImageFsInfo and container stats. Hard links are counted once; mount
// points are not crossed; symlinks are counted, never followed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace crisp::image {

struct FsUsage {
  uint64_t bytes = 0;
  uint64_t inodes = 0;
  // The walk stopped at a cap of DiskUsageOptions (or the tree changed
  // under it): the figures count only what was reached.
  bool partial = false;
};

// Caps on one walk. It runs over a container's writable layer on every
// stats poll, and a container chooses that tree's shape (audit H2).
struct DiskUsageOptions {
  // Directories this deep are counted but not entered. 4096 is twice what
  // an absolute path can reach (PATH_MAX 4096, "/x" per level).
  size_t max_depth = 4096;
  // The walk stops after this long (a huge flat tree is slow, not deep);
  // kubelet polls stats every 10-15 s.
  std::chrono::milliseconds max_time = std::chrono::seconds(10);
  // Open directories held at once; shallower ones are closed and reopened
  // through ".." (checked by inode) on the way back up.
  size_t max_open_dirs = 16;
};

[[nodiscard]] absl::StatusOr<FsUsage> DiskUsage(
    const std::string& dir, const DiskUsageOptions& options = {});

}  // namespace crisp::image
