// StartContainer, StopContainer, RemoveContainer.
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::StartContainer(
    grpc::ServerContext*, const v1::StartContainerRequest* req,
    v1::StartContainerResponse*) {
  const std::string& id = req->container_id();
  return LoggedRpc("StartContainer", id,
                   [&] { return ToGrpcStatus(deps_.containers->Start(id)); });
}

grpc::Status RuntimeService::StopContainer(grpc::ServerContext*,
                                           const v1::StopContainerRequest* req,
                                           v1::StopContainerResponse*) {
  const std::string& id = req->container_id();
  return LoggedRpc("StopContainer", id, [&] {
    return ToGrpcStatus(deps_.containers->Stop(id, req->timeout()));
  });
}

grpc::Status RuntimeService::RemoveContainer(
    grpc::ServerContext*, const v1::RemoveContainerRequest* req,
    v1::RemoveContainerResponse*) {
  const std::string& id = req->container_id();
  return LoggedRpc("RemoveContainer", id,
                   [&] { return ToGrpcStatus(deps_.containers->Remove(id)); });
}

}  // namespace crisp::server
