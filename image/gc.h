// Garbage collection of content and snapshots: whatever no image record
// names and no pull in progress holds (Leases) is removed. Run after
// RemoveImage and at start-up, where it also drops images whose content is
// incomplete (a crash can leave none, but a disk edited by hand can).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "image/content/content_store.h"
#include "image/content/leases.h"
#include "image/image_store.h"
#include "image/snapshots/snapshot_store.h"

namespace crisp::image {

struct GcResult {
  int64_t blobs_removed = 0;
  int64_t snapshots_removed = 0;
  int64_t images_dropped = 0;  // start-up check only
};

struct GcDeps {
  ContentStore* content;
  SnapshotStore* snapshots;
  ImageStore* images;
  Leases* leases;
  // Blob digests and chain ids that something outside the image store
  // still uses (containers' lower dirs); may be empty.
  std::function<std::vector<std::string>()> in_use;
};

[[nodiscard]] absl::StatusOr<GcResult> CollectGarbage(const GcDeps& deps);

// Drops images whose manifest, config or snapshots are missing, then
// collects garbage.
[[nodiscard]] absl::StatusOr<GcResult> CheckAndCollect(const GcDeps& deps);

}  // namespace crisp::image
