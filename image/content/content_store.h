// Blobs by digest under <root>/content/blobs/<algorithm>/<hex>. A blob is
// written to <root>/content/ingest/ while its digest and size are checked
// as the bytes stream in, then fsynced and renamed into place, so a blob
// file that exists is always complete and verified; identical blobs are
// stored once and shared between images.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/unique_fd.h"
#include "image/content/digester.h"
#include "image/content/writeback.h"
#include "image/inflight.h"

namespace crisp::image {

// One blob being written. Destroying it without Commit removes the file.
class BlobWriter {
 public:
  ~BlobWriter();
  // Appends bytes; fails (ResourceExhausted/DataLoss) as soon as more bytes
  // arrive than the descriptor's size.
  [[nodiscard]] absl::Status Write(const void* data, size_t size);
  // Verifies size and digest, fsyncs and renames into the store.
  [[nodiscard]] absl::Status Commit();
  // Bytes accepted so far (a retry may resume from here).
  uint64_t offset() const { return digester_.bytes(); }
  // Drops what was written, to restart from byte 0.
  [[nodiscard]] absl::Status Reset();

 private:
  friend class ContentStore;
  BlobWriter(UniqueFd fd, std::string temp, std::string final_path,
             std::string digest, int64_t size, Digester digester);
  UniqueFd fd_;
  std::string temp_, final_path_, digest_;
  int64_t size_;
  Digester digester_;
  EarlyWriteback writeback_{fd_.get()};
  bool committed_ = false;
};

class ContentStore {
 public:
  explicit ContentStore(std::string root);  // <crisp root>/content

  // Creates the directories and removes leftovers of interrupted writes.
  [[nodiscard]] absl::Status Init();

  std::string BlobPath(absl::string_view digest) const;
  // True when the blob is present with exactly `size` bytes (or any size
  // when size < 0).
  bool Has(absl::string_view digest, int64_t size = -1) const;

  [[nodiscard]] absl::StatusOr<std::unique_ptr<BlobWriter>> Writer(
      const std::string& digest, int64_t size);
  // Verifies and stores a blob held in memory (manifests, configs).
  [[nodiscard]] absl::Status Put(const std::string& digest,
                                 absl::string_view data);
  // Reads a small blob (manifest, config) whole; refuses blobs over 16 MiB.
  [[nodiscard]] absl::StatusOr<std::string> Read(
      absl::string_view digest) const;

  [[nodiscard]] absl::StatusOr<std::vector<std::string>> List() const;
  [[nodiscard]] absl::Status Delete(absl::string_view digest);

  const std::string& root() const { return root_; }
  // Downloads in progress by digest: two pulls sharing a layer fetch it once.
  InFlight& ingests() { return ingests_; }

 private:
  std::string root_;
  InFlight ingests_;
};

}  // namespace crisp::image
