// Brings an image's layers to snapshots: blobs missing from the content
// store are downloaded by up to `parallel` threads, and layers are unpacked
// in order by the calling thread as soon as each is present, so unpacking
// overlaps the downloads. A layer whose snapshot already exists is neither
// downloaded nor unpacked again.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "image/content/content_store.h"
#include "image/image_store.h"
#include "image/registry/download_slots.h"
#include "image/registry/registry_client.h"
#include "image/snapshots/snapshot_store.h"
#include "image/snapshots/unpack.h"

namespace crisp::image {

struct LayerPipelineDeps {
  RegistrySession* session;
  ContentStore* content;
  SnapshotStore* snapshots;
  int parallel = 3;                 // download threads of this pull
  DownloadSlots* slots = nullptr;   // shared by all pulls; may be null
  std::function<bool()> cancelled;  // may be empty
  UnpackLimits limits;
};

// `layers` carry digest, size, diff_id and chain_id; each diff_id is
// checked against the unpacked stream.
[[nodiscard]] absl::Status BringUpLayers(const LayerPipelineDeps& deps,
                                         const std::vector<ImageLayer>& layers);

// Downloads one blob into the content store (no-op when present).
[[nodiscard]] absl::Status FetchToStore(RegistrySession* session,
                                        ContentStore* content,
                                        const std::string& digest,
                                        int64_t size);

}  // namespace crisp::image
