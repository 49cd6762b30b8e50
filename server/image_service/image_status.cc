#include "common/status.h"
#include "nlohmann/json.hpp"
#include "server/handle_rpc.h"
#include "server/image_service/image_service.h"

namespace crisp::server {
namespace {

// As containerd: {"chainID": ..., "imageSpec": <OCI image config>}.
absl::StatusOr<std::string> VerboseInfo(const image::ImageCatalog& images,
                                        const image::ImageRecord& img) {
  ASSIGN_OR_RETURN(std::string config, images.ConfigJson(img));
  nlohmann::json info = {
      {"chainID", img.layers.empty() ? "" : img.layers.back().chain_id},
      {"imageSpec", nlohmann::json::parse(config, nullptr, false)}};
  return info.dump();
}

absl::StatusOr<v1::ImageStatusResponse> StatusOf(
    image::ImageCatalog& images, const v1::ImageStatusRequest& req) {
  ASSIGN_OR_RETURN(std::optional<image::ImageRecord> rec,
                   images.Find(req.image().image()));
  v1::ImageStatusResponse resp;
  // CRI: an absent image is an empty response, not an error.
  if (!rec.has_value()) return resp;
  ToCriImage(*rec, images.IsPinned(*rec), resp.mutable_image());
  if (req.verbose()) {
    ASSIGN_OR_RETURN((*resp.mutable_info())["info"], VerboseInfo(images, *rec));
  }
  return resp;
}

}  // namespace

grpc::Status ImageService::ImageStatus(grpc::ServerContext*,
                                       const v1::ImageStatusRequest* req,
                                       v1::ImageStatusResponse* resp) {
  return HandleRpc("ImageStatus", req->image().image(), resp,
                   [&] { return StatusOf(*deps_.images, *req); });
}

}  // namespace crisp::server
