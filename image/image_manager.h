// The image subsystem behind the CRI ImageService, with no CRI types:
// pulls (concurrent pulls of one reference share one), lookups by tag,
// digest or id, removal with garbage collection, usage, and the start-up
// check that brings the store and the files on disk back in line.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/store/database.h"
#include "image/content/content_store.h"
#include "image/content/fs_usage.h"
#include "image/content/leases.h"
#include "image/gc.h"
#include "image/image_catalog.h"
#include "image/image_config.h"
#include "image/image_store.h"
#include "image/pull_callers.h"
#include "image/registry/download_slots.h"
#include "image/registry/manifest.h"
#include "image/registry/reference.h"
#include "image/registry/registry_client.h"
#include "image/snapshots/snapshot_store.h"
#include "image/snapshots/unpack.h"

namespace crisp::image {

struct ImageManagerOptions {
  std::string root;  // crisp root: content/ and snapshots/ go under it
  RegistryOptions registry;
  int max_concurrent_downloads = 3;  // layer downloads, across all pulls
  UnpackLimits limits;               // per layer (audit L8)
  Platform platform = HostPlatform();
  std::string pinned_image;  // the sandbox image: reported as pinned
  // Chain ids (and blob digests) that containers still use, asked at every
  // garbage collection, including the one at start-up: their snapshots
  // stay even when no image names them any more (as containerd keeps a
  // removed image's snapshots while a container uses them).
  std::function<std::vector<std::string>()> in_use;
};

class ImageManager : public ImageCatalog {
 public:
  // Creates the directories, removes leftovers of interrupted writes and
  // unpacks, drops incomplete images and collects garbage.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ImageManager>> Open(
      ImageManagerOptions options, store::Database* db);

  // Pulls `ref`; a second call for the same reference and
  // credentials while the first runs waits for it and shares its result.
  // `cancelled` (may be empty) says this caller went away: it then gets
  // Cancelled at once, and the pull itself stops (no partial blob left,
  // its download slots freed) once every caller sharing it went away.
  [[nodiscard]] absl::StatusOr<ImageRecord> Pull(
      const Reference& ref, const Credentials& creds,
      const std::function<bool()>& cancelled = {}) override;

  // The image named by a tag or digest reference, or else by its id or a
  // unique id prefix ("sha256:" and any length, or 12+ hex digits);
  // nullopt when there is none. A name wins over an id prefix.
  [[nodiscard]] absl::StatusOr<std::optional<ImageRecord>> Find(
      const std::string& ref_or_id) override;
  [[nodiscard]] absl::StatusOr<std::vector<ImageRecord>> List() override;

  // By tag: removes the tag, and the image with it when no tag is left.
  // By digest or id: removes the image and all its references. Unknown
  // images are not an error (CRI: RemoveImage is idempotent).
  [[nodiscard]] absl::Status Remove(const std::string& ref_or_id) override;

  // Bytes and inodes of content + snapshots. Snapshots never change once
  // committed, so each is measured once and remembered (kubelet asks every
  // few seconds).
  [[nodiscard]] absl::StatusOr<FsUsage> Usage() override;
  std::string snapshots_dir() const override { return snapshots_.dir(); }

  bool IsPinned(const ImageRecord& image) const override;
  // Overlay lower dirs of an image's rootfs, topmost layer first.
  std::vector<std::string> LowerDirs(const ImageRecord& image) const override;
  // The image's config, parsed at pull and kept by image id (an image id
  // is the config's digest, so it never goes stale). An image pulled before
  // this crispd started has its stored blob parsed on first use instead,
  // so a store written by an older version needs no migration.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const ImageConfig>> Config(
      const ImageRecord& image) override;
  // The config blob as pulled, for ImageStatus verbose.
  [[nodiscard]] absl::StatusOr<std::string> ConfigJson(
      const ImageRecord& image) const override;
  // Hold an image's snapshots while a container uses them.
  Leases& leases() override { return leases_; }

 private:
  ImageManager(ImageManagerOptions options, store::Database* db);
  GcDeps Gc() {
    return {&content_, &snapshots_, &images_, &leases_, options_.in_use};
  }
  // Runs the pull for `key` that others may have joined, and hands them
  // its result.
  [[nodiscard]] absl::StatusOr<ImageRecord> LeadPull(
      const Reference& ref, const Credentials& creds, const std::string& key,
      std::promise<absl::StatusOr<ImageRecord>>& promise,
      const std::shared_ptr<PullCallers>& callers);
  [[nodiscard]] absl::StatusOr<ImageRecord> PullNow(
      const Reference& ref, const Credentials& creds,
      const std::function<bool()>& cancelled);
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> FindId(
      const std::string& ref_or_id, bool* by_tag, std::string* tag);

  ImageManagerOptions options_;
  ContentStore content_;
  SnapshotStore snapshots_;
  ImageStore images_;
  Leases leases_;
  RegistryClient registry_;
  DownloadSlots slots_;
  std::optional<std::string> pinned_ref_;

  absl::Mutex usage_mu_;
  std::map<std::string, FsUsage> snapshot_usage_ ABSL_GUARDED_BY(usage_mu_);

  using Shared = std::shared_future<absl::StatusOr<ImageRecord>>;
  struct SharedPull {
    Shared result;
    std::shared_ptr<PullCallers> callers;
  };
  absl::Mutex configs_mu_;
  std::map<std::string, std::shared_ptr<const ImageConfig>> configs_
      ABSL_GUARDED_BY(configs_mu_);

  absl::Mutex pulls_mu_;
  std::map<std::string, SharedPull> pulls_ ABSL_GUARDED_BY(pulls_mu_);
};

}  // namespace crisp::image
