#include "server/handle_rpc.h"
#include "server/image_service/image_service.h"

namespace crisp::server {

grpc::Status ImageService::RemoveImage(grpc::ServerContext*,
                                       const v1::RemoveImageRequest* req,
                                       v1::RemoveImageResponse*) {
  const std::string& ref = req->image().image();
  return HandleRpc("RemoveImage", ref,
                   [&] { return deps_.images->Remove(ref); });
}

}  // namespace crisp::server
