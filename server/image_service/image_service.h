// CRI ImageService: translation between CRI messages and image::
// ImageCatalog, one .cc per RPC (image_pull.cc, image_status.cc,
// list_images.cc, remove_image.cc, image_fs_info.cc).
#pragma once

#include <string>
#include <utility>

#include "cri-api/api.grpc.pb.h"
#include "image/image_catalog.h"
#include "server/config/config.h"

namespace crisp::server {

namespace v1 = ::runtime::v1;

struct ImageServiceDeps {
  const Config* config = nullptr;
  image::ImageCatalog* images = nullptr;
  // Where the containers' writable layers live: ImageFsInfo reports it as
  // the container filesystem.
  std::string containers_root;
};

class ImageService final : public v1::ImageService::Service {
 public:
  explicit ImageService(ImageServiceDeps deps) : deps_(std::move(deps)) {}

  // image_pull.cc
  grpc::Status PullImage(grpc::ServerContext*, const v1::PullImageRequest*,
                         v1::PullImageResponse*) override;
  // image_status.cc
  grpc::Status ImageStatus(grpc::ServerContext*, const v1::ImageStatusRequest*,
                           v1::ImageStatusResponse*) override;
  // list_images.cc
  grpc::Status ListImages(grpc::ServerContext*, const v1::ListImagesRequest*,
                          v1::ListImagesResponse*) override;
  grpc::Status StreamImages(
      grpc::ServerContext*, const v1::StreamImagesRequest*,
      grpc::ServerWriter<v1::StreamImagesResponse>*) override;
  // remove_image.cc
  grpc::Status RemoveImage(grpc::ServerContext*, const v1::RemoveImageRequest*,
                           v1::RemoveImageResponse*) override;
  // image_fs_info.cc
  grpc::Status ImageFsInfo(grpc::ServerContext*, const v1::ImageFsInfoRequest*,
                           v1::ImageFsInfoResponse*) override;

 private:
  ImageServiceDeps deps_;
};

// image_translate.cc: the CRI Image for a record (uid or username from the
// config's User, as containerd reports them).
void ToCriImage(const image::ImageRecord& record, bool pinned, v1::Image* out);
// The credentials of a CRI AuthConfig ("auth" is base64 user:password).
[[nodiscard]] absl::StatusOr<image::Credentials> ToCredentials(
    const v1::AuthConfig& auth);

}  // namespace crisp::server
