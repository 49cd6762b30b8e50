// UpdateContainerResources and ReopenContainerLog: both act on a running
// container through the runtime library and its monitor.
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"
#include "server/specgen/request_checks.h"
#include "server/specgen/resources.h"

namespace crisp::server {

grpc::Status RuntimeService::UpdateContainerResources(
    grpc::ServerContext*, const v1::UpdateContainerResourcesRequest* req,
    v1::UpdateContainerResourcesResponse*) {
  return HandleRpc("UpdateContainerResources", req->container_id(), [&] {
    RETURN_IF_ERROR(specgen::CheckResources(req->linux()));
    runtime::oci::Resources resources;
    specgen::ApplyResources(req->linux(), resources);
    return deps_.containers->Update(req->container_id(), resources);
  });
}

grpc::Status RuntimeService::ReopenContainerLog(
    grpc::ServerContext*, const v1::ReopenContainerLogRequest* req,
    v1::ReopenContainerLogResponse*) {
  return HandleRpc("ReopenContainerLog", req->container_id(), [&] {
    return deps_.containers->ReopenLog(req->container_id());
  });
}

}  // namespace crisp::server
