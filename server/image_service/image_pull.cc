#include <chrono>

#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {

namespace {

// The client went away: it cancelled, or its deadline passed (audit L9).
bool Gone(grpc::ServerContext* ctx) {
  return ctx->IsCancelled() ||
         std::chrono::system_clock::now() > ctx->deadline();
}

}  // namespace

grpc::Status ImageService::PullImage(grpc::ServerContext* ctx,
                                     const v1::PullImageRequest* req,
                                     v1::PullImageResponse* resp) {
  const std::string& ref = req->image().image();
  return LoggedRpc("PullImage", ref, [&] {
    auto creds = ToCredentials(req->auth());
    if (!creds.ok()) return ToGrpcStatus(creds.status());
    auto parsed = image::ParseReference(ref);
    if (!parsed.ok()) return ToGrpcStatus(parsed.status());
    auto rec = deps_.images->Pull(*parsed, *creds, [ctx] { return Gone(ctx); });
    if (!rec.ok()) {
      return ToGrpcStatusWithDeadline(rec.status(), ctx->deadline(),
                                      std::chrono::system_clock::now());
    }
    resp->set_image_ref(rec->id);
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
