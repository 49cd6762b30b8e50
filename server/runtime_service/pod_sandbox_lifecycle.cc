// RunPodSandbox, StopPodSandbox, RemovePodSandbox over sandbox::PodService.
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/pod_translate.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

absl::StatusOr<v1::RunPodSandboxResponse> Run(
    sandbox::PodService& pods, const v1::RunPodSandboxRequest& req) {
  RETURN_IF_ERROR(CheckRuntimeHandler(req.runtime_handler()));
  ASSIGN_OR_RETURN(sandbox::PodSpec spec,
                   ToPodSpec(req.config(), req.runtime_handler()));
  ASSIGN_OR_RETURN(sandbox::Pod pod, pods.Run(spec));
  v1::RunPodSandboxResponse resp;
  resp.set_pod_sandbox_id(pod.id);
  return resp;
}

}  // namespace

grpc::Status RuntimeService::RunPodSandbox(grpc::ServerContext*,
                                           const v1::RunPodSandboxRequest* req,
                                           v1::RunPodSandboxResponse* resp) {
  return HandleRpc("RunPodSandbox", req->config().metadata().name(), resp,
                   [&] { return Run(*deps_.pods, *req); });
}

grpc::Status RuntimeService::StopPodSandbox(
    grpc::ServerContext*, const v1::StopPodSandboxRequest* req,
    v1::StopPodSandboxResponse*) {
  return HandleRpc("StopPodSandbox", req->pod_sandbox_id(),
                   [&] { return deps_.pods->Stop(req->pod_sandbox_id()); });
}

grpc::Status RuntimeService::RemovePodSandbox(
    grpc::ServerContext*, const v1::RemovePodSandboxRequest* req,
    v1::RemovePodSandboxResponse*) {
  return HandleRpc("RemovePodSandbox", req->pod_sandbox_id(),
                   [&] { return deps_.pods->Remove(req->pod_sandbox_id()); });
}

}  // namespace crisp::server
