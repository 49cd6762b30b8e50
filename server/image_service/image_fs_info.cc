#include <chrono>

#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {

grpc::Status ImageService::ImageFsInfo(grpc::ServerContext*,
                                       const v1::ImageFsInfoRequest*,
                                       v1::ImageFsInfoResponse* resp) {
  return LoggedRpc("ImageFsInfo", "", [&] {
    auto usage = deps_.images->Usage();
    if (!usage.ok()) return ToGrpcStatus(usage.status());
    v1::FilesystemUsage* fs = resp->add_image_filesystems();
    fs->set_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
    fs->mutable_fs_id()->set_mountpoint(deps_.images->snapshots_dir());
    fs->mutable_used_bytes()->set_value(usage->bytes);
    fs->mutable_inodes_used()->set_value(usage->inodes);
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
