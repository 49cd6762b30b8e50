#include "nlohmann/json.hpp"
#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {

grpc::Status ImageService::ImageStatus(grpc::ServerContext*,
                                       const v1::ImageStatusRequest* req,
                                       v1::ImageStatusResponse* resp) {
  const std::string& ref = req->image().image();
  return LoggedRpc("ImageStatus", ref, [&] {
    auto rec = deps_.images->Find(ref);
    if (!rec.ok()) return ToGrpcStatus(rec.status());
    // CRI: an absent image is an empty response, not an error.
    if (!rec->has_value()) return grpc::Status::OK;
    const image::ImageRecord& img = **rec;
    ToCriImage(img, deps_.images->IsPinned(img), resp->mutable_image());
    if (req->verbose()) {
      auto config = deps_.images->ConfigJson(img);
      if (!config.ok()) return ToGrpcStatus(config.status());
      // As containerd: {"chainID": ..., "imageSpec": <OCI image config>}.
      nlohmann::json info = {
          {"chainID", img.layers.empty() ? "" : img.layers.back().chain_id},
          {"imageSpec", nlohmann::json::parse(*config, nullptr, false)}};
      (*resp->mutable_info())["info"] = info.dump();
    }
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
