// What the CRI server asks of images, as an interface: its handlers (both
// the ImageService and CreateContainer) depend on this, not on
// ImageManager, so that they can be tested on a fake. Only the operations
// the server calls; image_manager.h says what each does.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "image/content/fs_usage.h"
#include "image/content/leases.h"
#include "image/image_config.h"
#include "image/image_store.h"
#include "image/registry/reference.h"
#include "image/registry/registry_auth.h"

namespace crisp::image {

class ImageCatalog {
 public:
  virtual ~ImageCatalog() = default;

  [[nodiscard]] virtual absl::StatusOr<ImageRecord> Pull(
      const Reference& ref, const Credentials& creds,
      const std::function<bool()>& cancelled) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<ImageRecord>> Find(
      const std::string& ref_or_id) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<ImageRecord>> List() = 0;
  [[nodiscard]] virtual absl::Status Remove(const std::string& ref_or_id) = 0;

  [[nodiscard]] virtual absl::StatusOr<FsUsage> Usage() = 0;
  virtual std::string snapshots_dir() const = 0;

  virtual bool IsPinned(const ImageRecord& image) const = 0;
  virtual std::vector<std::string> LowerDirs(
      const ImageRecord& image) const = 0;
  [[nodiscard]] virtual absl::StatusOr<std::shared_ptr<const ImageConfig>>
  Config(const ImageRecord& image) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::string> ConfigJson(
      const ImageRecord& image) const = 0;
  virtual Leases& leases() = 0;
};

}  // namespace crisp::image
