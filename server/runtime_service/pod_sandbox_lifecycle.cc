// RunPodSandbox, StopPodSandbox, RemovePodSandbox over sandbox::PodManager.
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/pod_translate.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::RunPodSandbox(grpc::ServerContext*,
                                           const v1::RunPodSandboxRequest* req,
                                           v1::RunPodSandboxResponse* resp) {
  return LoggedRpc("RunPodSandbox", req->config().metadata().name(), [&] {
    absl::Status handler = CheckRuntimeHandler(req->runtime_handler());
    if (!handler.ok()) return ToGrpcStatus(handler);
    auto spec = ToPodSpec(req->config(), req->runtime_handler());
    if (!spec.ok()) return ToGrpcStatus(spec.status());
    auto pod = deps_.pods->Run(*spec);
    if (!pod.ok()) return ToGrpcStatus(pod.status());
    resp->set_pod_sandbox_id(pod->id);
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StopPodSandbox(
    grpc::ServerContext*, const v1::StopPodSandboxRequest* req,
    v1::StopPodSandboxResponse*) {
  const std::string& id = req->pod_sandbox_id();
  return LoggedRpc("StopPodSandbox", id,
                   [&] { return ToGrpcStatus(deps_.pods->Stop(id)); });
}

grpc::Status RuntimeService::RemovePodSandbox(
    grpc::ServerContext*, const v1::RemovePodSandboxRequest* req,
    v1::RemovePodSandboxResponse*) {
  const std::string& id = req->pod_sandbox_id();
  return LoggedRpc("RemovePodSandbox", id,
                   [&] { return ToGrpcStatus(deps_.pods->Remove(id)); });
}

}  // namespace crisp::server
