// PodSandboxStatus, ListPodSandbox and StreamPodSandboxes.
#include "sandbox/pod_json.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/pod_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

std::vector<sandbox::Pod> Filtered(sandbox::PodManager& pods,
                                   const v1::PodSandboxFilter& filter) {
  std::vector<sandbox::Pod> out;
  for (sandbox::Pod& pod : pods.List()) {
    if (MatchesFilter(pod, filter)) out.push_back(std::move(pod));
  }
  return out;
}

}  // namespace

grpc::Status RuntimeService::PodSandboxStatus(
    grpc::ServerContext*, const v1::PodSandboxStatusRequest* req,
    v1::PodSandboxStatusResponse* resp) {
  const std::string& id = req->pod_sandbox_id();
  return LoggedRpc("PodSandboxStatus", id, [&] {
    auto pod = deps_.pods->Get(id);
    if (!pod.ok()) return ToGrpcStatus(pod.status());
    ToCriPodSandboxStatus(*pod, resp->mutable_status());
    if (req->verbose()) (*resp->mutable_info())["info"] = PodToJson(*pod);
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::ListPodSandbox(
    grpc::ServerContext*, const v1::ListPodSandboxRequest* req,
    v1::ListPodSandboxResponse* resp) {
  return LoggedRpc("ListPodSandbox", "", [&] {
    for (const auto& pod : Filtered(*deps_.pods, req->filter())) {
      ToCriPodSandbox(pod, resp->add_items());
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StreamPodSandboxes(
    grpc::ServerContext*, const v1::StreamPodSandboxesRequest* req,
    grpc::ServerWriter<v1::StreamPodSandboxesResponse>* writer) {
  return LoggedRpc("StreamPodSandboxes", "", [&] {
    WriteInBatches(writer, Filtered(*deps_.pods, req->filter()),
                   [](const auto& pod, auto& batch) {
                     ToCriPodSandbox(pod, batch.add_pod_sandboxes());
                   });
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
