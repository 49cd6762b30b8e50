// One pull, from reference to committed image: manifest (an index resolved
// to the node's platform), config, layers through the layer pipeline, then
// one transaction that makes the image visible. Until that transaction
// nothing is visible, and a failed pull leaves only unreferenced content
// (collected by GC, and at start-up).
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "image/content/content_store.h"
#include "image/content/leases.h"
#include "image/image_config.h"
#include "image/image_store.h"
#include "image/registry/download_slots.h"
#include "image/registry/manifest.h"
#include "image/registry/reference.h"
#include "image/registry/registry_client.h"
#include "image/snapshots/snapshot_store.h"
#include "image/snapshots/unpack.h"

namespace crisp::image {

struct PullerDeps {
  RegistryClient* registry;
  ContentStore* content;
  SnapshotStore* snapshots;
  ImageStore* images;
  Leases* leases;
  Platform platform;
  int parallel_downloads = 3;
  DownloadSlots* slots = nullptr;
  UnpackLimits limits;
};

// The committed image and its config, parsed on the way.
struct PulledImage {
  ImageRecord record;
  ImageConfig config;
};

// `cancelled` (may be empty) ends the pull with Cancelled when it turns
// true: transfers stop within about a second and leave no partial blob.
[[nodiscard]] absl::StatusOr<PulledImage> PullImage(
    const PullerDeps& deps, const Reference& ref,
    const Credentials& credentials,
    const std::function<bool()>& cancelled = {});

}  // namespace crisp::image
