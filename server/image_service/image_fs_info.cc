// ImageFsInfo: the image filesystem (unpacked layers and blobs) and the
// container filesystem (the containers' writable layers). kubelet tells a
// split node (the two on different devices) from their mount points and
// evicts on each by its own usage.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "image/content/fs_usage.h"
#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {
namespace {

void Fill(const std::string& mountpoint, const image::FsUsage& usage,
          int64_t now, v1::FilesystemUsage* fs) {
  fs->set_timestamp(now);
  fs->mutable_fs_id()->set_mountpoint(mountpoint);
  fs->mutable_used_bytes()->set_value(usage.bytes);
  fs->mutable_inodes_used()->set_value(usage.inodes);
}

}  // namespace

grpc::Status ImageService::ImageFsInfo(grpc::ServerContext*,
                                       const v1::ImageFsInfoRequest*,
                                       v1::ImageFsInfoResponse* resp) {
  return LoggedRpc("ImageFsInfo", "", [&] {
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto images = deps_.images->Usage();
    if (!images.ok()) return ToGrpcStatus(images.status());
    Fill(deps_.images->snapshots_dir(), *images, now,
         resp->add_image_filesystems());
    if (deps_.containers_root.empty()) return grpc::Status::OK;
    auto layers = image::DiskUsage(deps_.containers_root);
    // Not made yet: no container has ever been created here.
    if (absl::IsNotFound(layers.status())) layers = image::FsUsage{};
    if (!layers.ok()) {
      return ToGrpcStatus(Annotate(
          layers.status(),
          absl::StrCat("container filesystem ", deps_.containers_root)));
    }
    Fill(deps_.containers_root, *layers, now,
         resp->add_container_filesystems());
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
