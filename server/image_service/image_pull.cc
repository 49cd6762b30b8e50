#include <chrono>

#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/image_service/image_service.h"

namespace crisp::server {

namespace {

// The client went away: it cancelled, or its deadline passed (audit L9).
bool Gone(grpc::ServerContext* ctx) {
  return ctx->IsCancelled() ||
         std::chrono::system_clock::now() > ctx->deadline();
}

absl::StatusOr<v1::PullImageResponse> Pull(image::ImageCatalog& images,
                                           const v1::PullImageRequest& req,
                                           grpc::ServerContext* ctx) {
  ASSIGN_OR_RETURN(image::Credentials creds, ToCredentials(req.auth()));
  ASSIGN_OR_RETURN(image::Reference ref,
                   image::ParseReference(req.image().image()));
  ASSIGN_OR_RETURN(image::ImageRecord rec,
                   images.Pull(ref, creds, [ctx] { return Gone(ctx); }));
  v1::PullImageResponse resp;
  resp.set_image_ref(rec.id);
  return resp;
}

}  // namespace

grpc::Status ImageService::PullImage(grpc::ServerContext* ctx,
                                     const v1::PullImageRequest* req,
                                     v1::PullImageResponse* resp) {
  auto to_grpc = [ctx](const absl::Status& status) {
    return ToGrpcStatusWithDeadline(status, ctx->deadline(),
                                    std::chrono::system_clock::now());
  };
  return HandleRpc(
      "PullImage", req->image().image(), resp,
      [&] { return Pull(*deps_.images, *req, ctx); }, to_grpc);
}

}  // namespace crisp::server
