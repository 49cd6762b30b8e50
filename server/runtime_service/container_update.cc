// UpdateContainerResources and ReopenContainerLog: both act on a running
// container through the runtime library and its monitor.
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"
#include "server/specgen/request_checks.h"
#include "server/specgen/resources.h"

namespace crisp::server {

grpc::Status RuntimeService::UpdateContainerResources(
    grpc::ServerContext*, const v1::UpdateContainerResourcesRequest* req,
    v1::UpdateContainerResourcesResponse*) {
  const std::string& id = req->container_id();
  return LoggedRpc("UpdateContainerResources", id, [&] {
    absl::Status valid = specgen::CheckResources(req->linux());
    if (!valid.ok()) return ToGrpcStatus(valid);
    runtime::oci::Resources resources;
    specgen::ApplyResources(req->linux(), resources);
    return ToGrpcStatus(deps_.containers->Update(id, resources));
  });
}

grpc::Status RuntimeService::ReopenContainerLog(
    grpc::ServerContext*, const v1::ReopenContainerLogRequest* req,
    v1::ReopenContainerLogResponse*) {
  const std::string& id = req->container_id();
  return LoggedRpc("ReopenContainerLog", id, [&] {
    return ToGrpcStatus(deps_.containers->ReopenLog(id));
  });
}

}  // namespace crisp::server
