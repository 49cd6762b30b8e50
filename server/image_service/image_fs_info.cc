// ImageFsInfo: the image filesystem (unpacked layers and blobs) and the
// container filesystem (the containers' writable layers). kubelet tells a
// split node (the two on different devices) from their mount points and
// evicts on each by its own usage.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "image/content/fs_usage.h"
#include "server/handle_rpc.h"
#include "server/image_service/image_service.h"

namespace crisp::server {
namespace {

void Fill(const std::string& mountpoint, const image::FsUsage& usage,
          int64_t now, v1::FilesystemUsage* fs) {
  fs->set_timestamp(now);
  fs->mutable_fs_id()->set_mountpoint(mountpoint);
  fs->mutable_used_bytes()->set_value(usage.bytes);
  fs->mutable_inodes_used()->set_value(usage.inodes);
}

absl::StatusOr<v1::ImageFsInfoResponse> FsInfo(const ImageServiceDeps& deps) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSIGN_OR_RETURN(image::FsUsage images, deps.images->Usage());
  v1::ImageFsInfoResponse resp;
  Fill(deps.images->snapshots_dir(), images, now, resp.add_image_filesystems());
  if (deps.containers_root.empty()) return resp;
  auto layers = image::DiskUsage(deps.containers_root);
  // Not made yet: no container has ever been created here.
  if (absl::IsNotFound(layers.status())) layers = image::FsUsage{};
  if (!layers.ok()) {
    return Annotate(layers.status(), absl::StrCat("container filesystem ",
                                                  deps.containers_root));
  }
  Fill(deps.containers_root, *layers, now, resp.add_container_filesystems());
  return resp;
}

}  // namespace

grpc::Status ImageService::ImageFsInfo(grpc::ServerContext*,
                                       const v1::ImageFsInfoRequest*,
                                       v1::ImageFsInfoResponse* resp) {
  return HandleRpc("ImageFsInfo", "", resp, [&] { return FsInfo(deps_); });
}

}  // namespace crisp::server
