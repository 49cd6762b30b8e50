// StartContainer, StopContainer, RemoveContainer.
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::StartContainer(
    grpc::ServerContext*, const v1::StartContainerRequest* req,
    v1::StartContainerResponse*) {
  return HandleRpc("StartContainer", req->container_id(), [&] {
    return deps_.containers->Start(req->container_id());
  });
}

grpc::Status RuntimeService::StopContainer(grpc::ServerContext*,
                                           const v1::StopContainerRequest* req,
                                           v1::StopContainerResponse*) {
  const std::string& id = req->container_id();
  return HandleRpc("StopContainer", id,
                   [&] { return deps_.containers->Stop(id, req->timeout()); });
}

grpc::Status RuntimeService::RemoveContainer(
    grpc::ServerContext*, const v1::RemoveContainerRequest* req,
    v1::RemoveContainerResponse*) {
  return HandleRpc("RemoveContainer", req->container_id(), [&] {
    return deps_.containers->Remove(req->container_id());
  });
}

}  // namespace crisp::server
