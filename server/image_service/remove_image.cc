#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {

grpc::Status ImageService::RemoveImage(grpc::ServerContext*,
                                       const v1::RemoveImageRequest* req,
                                       v1::RemoveImageResponse*) {
  const std::string& ref = req->image().image();
  return LoggedRpc("RemoveImage", ref,
                   [&] { return ToGrpcStatus(deps_.images->Remove(ref)); });
}

}  // namespace crisp::server
