// Image metadata in the SQLite store (tables `images` and `image_refs`,
// created by migration 2 in server/daemon/schema.cc). An image row is
// written in the same transaction as its references, after all its blobs
// and snapshots are on disk, so the store never names content that is not
// there; an image left without any reference is deleted in the same
// transaction (as containerd: a moved tag leaves no "<none>" image).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/database.h"

namespace crisp::image {

struct ImageLayer {
  std::string digest;  // compressed blob
  int64_t size = 0;
  std::string media_type;
  std::string diff_id;
  std::string chain_id;
};

struct ImageRecord {
  std::string id;               // config digest "sha256:..."
  std::string manifest_digest;  // the platform manifest
  std::string index_digest;     // the index it was chosen from, or ""
  int64_t size = 0;             // config + layers, compressed
  std::string user;             // the config's User
  std::vector<ImageLayer> layers;
  std::vector<std::string> repo_tags;     // "docker.io/library/x:tag"
  std::vector<std::string> repo_digests;  // "docker.io/library/x@sha256:..."
  int64_t created_unix_nanos = 0;

  // Every blob digest the image holds (index, manifest, config, layers).
  std::vector<std::string> Blobs() const;
};

class ImageStore {
 public:
  explicit ImageStore(store::Database* db) : db_(db) {}

  // Inserts or refreshes the image and points each of `record.repo_tags`
  // and `record.repo_digests` at it, dropping images left without refs.
  [[nodiscard]] absl::Status Put(const ImageRecord& record);

  // NotFound when absent.
  [[nodiscard]] absl::StatusOr<ImageRecord> Get(const std::string& id);
  // The image id a ref names, or nullopt.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> ResolveRef(
      const std::string& ref);
  // Image ids starting with `prefix` (hex, without "sha256:").
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> IdsWithPrefix(
      const std::string& hex_prefix);
  [[nodiscard]] absl::StatusOr<std::vector<ImageRecord>> List();

  // Removes one ref; the image goes too if no ref is left. True when the
  // image was deleted.
  [[nodiscard]] absl::StatusOr<bool> RemoveRef(const std::string& ref);
  [[nodiscard]] absl::Status Delete(const std::string& id);

 private:
  store::Database* db_;
};

}  // namespace crisp::image
