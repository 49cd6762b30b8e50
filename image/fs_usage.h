// Bytes and inodes used under a directory tree (du -s --inodes), for
// ImageFsInfo. Hard links are counted once; mount points are not crossed.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace crisp::image {

struct FsUsage {
  uint64_t bytes = 0;
  uint64_t inodes = 0;
};

[[nodiscard]] absl::StatusOr<FsUsage> DiskUsage(const std::string& dir);

}  // namespace crisp::image
