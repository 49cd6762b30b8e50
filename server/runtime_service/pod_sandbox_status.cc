// PodSandboxStatus, ListPodSandbox and StreamPodSandboxes.
#include "common/process.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "sandbox/pod_json.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/pod_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

std::vector<sandbox::Pod> Filtered(sandbox::PodService& pods,
                                   const v1::PodSandboxFilter& filter) {
  std::vector<sandbox::Pod> out;
  for (sandbox::Pod& pod : pods.List()) {
    if (MatchesFilter(pod, filter)) out.push_back(std::move(pod));
  }
  return out;
}

void AddContainerStatuses(containers::ContainerService& manager,
                          const std::string& pod_id,
                          v1::PodSandboxStatusResponse* resp) {
  for (const containers::Container& c : manager.List()) {
    if (c.pod_id != pod_id) continue;
    ToCriContainerStatus(c, manager.StatusOf(c),
                         resp->add_containers_statuses());
  }
}

// The stored record, and the pid of the pod's crisp-pause (0 without one),
// where containerd puts its sandbox's pid.
std::string PodInfoJson(const sandbox::Pod& pod) {
  nlohmann::json info = nlohmann::json::parse(PodToJson(pod), nullptr, false);
  if (!info.is_object()) info = nlohmann::json::object();
  info["pid"] = pod.infra.pid;
  return info.dump();
}

absl::StatusOr<v1::PodSandboxStatusResponse> StatusOf(
    const RuntimeServiceDeps& deps, const v1::PodSandboxStatusRequest& req) {
  ASSIGN_OR_RETURN(sandbox::Pod pod, deps.pods->Get(req.pod_sandbox_id()));
  v1::PodSandboxStatusResponse resp;
  ToCriPodSandboxStatus(pod, resp.mutable_status());
  // Taken first: the statuses below are at least as new (kubelet's
  // evented PLEG caches them under this time).
  resp.set_timestamp(NowUnixNanos());
  AddContainerStatuses(*deps.containers, pod.id, &resp);
  if (req.verbose()) (*resp.mutable_info())["info"] = PodInfoJson(pod);
  return resp;
}

}  // namespace

grpc::Status RuntimeService::PodSandboxStatus(
    grpc::ServerContext*, const v1::PodSandboxStatusRequest* req,
    v1::PodSandboxStatusResponse* resp) {
  return HandleRpc("PodSandboxStatus", req->pod_sandbox_id(), resp,
                   [&] { return StatusOf(deps_, *req); });
}

grpc::Status RuntimeService::ListPodSandbox(
    grpc::ServerContext*, const v1::ListPodSandboxRequest* req,
    v1::ListPodSandboxResponse* resp) {
  return HandleRpc("ListPodSandbox", "", resp, [&] {
    v1::ListPodSandboxResponse list;
    for (const auto& pod : Filtered(*deps_.pods, req->filter())) {
      ToCriPodSandbox(pod, list.add_items());
    }
    return list;
  });
}

grpc::Status RuntimeService::StreamPodSandboxes(
    grpc::ServerContext*, const v1::StreamPodSandboxesRequest* req,
    grpc::ServerWriter<v1::StreamPodSandboxesResponse>* writer) {
  return HandleRpc("StreamPodSandboxes", "", [&] {
    WriteInBatches(writer, Filtered(*deps_.pods, req->filter()),
                   [](const auto& pod, auto& batch) {
                     ToCriPodSandbox(pod, batch.add_pod_sandboxes());
                   });
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
