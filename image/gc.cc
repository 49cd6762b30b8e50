#include "image/gc.h"

#include <set>

#include "common/status.h"
#include "glog/logging.h"

namespace crisp::image {

absl::StatusOr<GcResult> CollectGarbage(const GcDeps& deps) {
  absl::MutexLock lock(&deps.leases->mutex());
  ASSIGN_OR_RETURN(auto images, deps.images->List());
  std::set<std::string> keep;
  for (const auto& img : images) {
    for (auto& b : img.Blobs()) keep.insert(std::move(b));
    for (const auto& l : img.layers) keep.insert(l.chain_id);
  }
  if (deps.in_use) {
    for (auto& key : deps.in_use()) keep.insert(std::move(key));
  }
  GcResult result;
  ASSIGN_OR_RETURN(auto blobs, deps.content->List());
  for (const auto& b : blobs) {
    if (keep.count(b) || deps.leases->Held(b)) continue;
    RETURN_IF_ERROR(deps.content->Delete(b));
    ++result.blobs_removed;
  }
  ASSIGN_OR_RETURN(auto snaps, deps.snapshots->List());
  for (const auto& s : snaps) {
    if (keep.count(s) || deps.leases->Held(s)) continue;
    RETURN_IF_ERROR(deps.snapshots->Remove(s));
    ++result.snapshots_removed;
  }
  if (result.blobs_removed + result.snapshots_removed > 0) {
    LOG(INFO) << "image gc: removed " << result.blobs_removed << " blobs and "
              << result.snapshots_removed << " snapshots";
  }
  return result;
}

absl::StatusOr<GcResult> CheckAndCollect(const GcDeps& deps) {
  ASSIGN_OR_RETURN(auto images, deps.images->List());
  int64_t dropped = 0;
  for (const auto& img : images) {
    bool whole =
        deps.content->Has(img.id) && deps.content->Has(img.manifest_digest);
    for (const auto& l : img.layers) {
      whole = whole && deps.snapshots->Exists(l.chain_id);
    }
    if (whole) continue;
    LOG(WARNING) << "image " << img.id
                 << " has missing content or snapshots: dropping it";
    RETURN_IF_ERROR(deps.images->Delete(img.id));
    ++dropped;
  }
  ASSIGN_OR_RETURN(GcResult result, CollectGarbage(deps));
  result.images_dropped = dropped;
  return result;
}

}  // namespace crisp::image
