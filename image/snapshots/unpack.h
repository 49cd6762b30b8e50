// Applies one layer (a tar, possibly compressed) to an empty snapshot
// directory, in the overlayfs format that containerd's overlay snapshotter
// uses: a whiteout ".wh.NAME" becomes a 0/0 character device NAME, an
// opaque marker ".wh..wh..opq" becomes trusted.overlay.opaque="y" on its
// directory. Ownership, modes (setuid, sticky), mtimes, xattrs, symlinks,
// hardlinks, devices and fifos are kept.
//
// Hostile layers are confined, as containerd confines them: every path and
// hardlink target is resolved inside the snapshot (openat2 RESOLVE_IN_ROOT),
// so "../x", "/x" or a path through a symlink lands inside the snapshot;
// symlink targets are stored as data and never followed here. An entry that
// cannot be applied (a hardlink to a file outside this layer, a parent that
// is not a directory) fails the layer with an error naming the entry.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace crisp::image {

// Caps on what one layer may expand to (audit L8): a gzip of a few MiB can
// hold terabytes of zeros or millions of empty entries. Exceeding one fails
// the layer (ResourceExhausted naming the limit's crisp.toml key). 0: no
// cap.
struct UnpackLimits {
  uint64_t max_bytes = uint64_t{64} << 30;  // image.max_layer_bytes
  uint64_t max_entries = 4'000'000;         // image.max_layer_entries
  // Directory mtimes are kept in memory until the layer's end.
  uint64_t max_directories = 1'000'000;  // image.max_layer_directories
};

struct UnpackResult {
  std::string diff_id;  // sha256 of the uncompressed tar
  uint64_t entries = 0;
};

[[nodiscard]] absl::StatusOr<UnpackResult> ApplyLayer(
    const std::string& blob_path, const std::string& snapshot_dir,
    const UnpackLimits& limits = {});

}  // namespace crisp::image
