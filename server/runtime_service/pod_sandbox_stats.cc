// PodSandboxStats, ListPodSandboxStats and StreamPodSandboxStats: the pod's
// cgroup, its running containers and its network namespace's links.
#include <functional>
#include <set>

#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/pod_sample.h"
#include "server/runtime_service/runtime_service.h"
#include "server/runtime_service/stats_translate.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

// Pods whose id starts with the filter's and whose labels hold its
// selector (as ListContainerStats filters).
std::function<bool(const sandbox::Pod&)> MatchFilter(
    const v1::PodSandboxStatsFilter& f) {
  return [&f](const sandbox::Pod& pod) {
    if (!f.id().empty() && pod.id.rfind(f.id(), 0) != 0) return false;
    for (const auto& [k, v] : f.label_selector()) {
      auto it = pod.spec.labels.find(k);
      if (it == pod.spec.labels.end() || it->second != v) return false;
    }
    return true;
  };
}

}  // namespace

void ForgetGoneUsageRates(const RuntimeServiceDeps& deps, UsageRates& rates) {
  std::set<std::string> live;
  for (const auto& p : deps.pods->List()) live.insert(p.id);
  for (const auto& c : deps.containers->List()) live.insert(c.id);
  rates.Retain(live);
}

grpc::Status RuntimeService::PodSandboxStats(
    grpc::ServerContext*, const v1::PodSandboxStatsRequest* req,
    v1::PodSandboxStatsResponse* resp) {
  const std::string& id = req->pod_sandbox_id();
  return HandleRpc(
      "PodSandboxStats", id, resp,
      [&]() -> absl::StatusOr<v1::PodSandboxStatsResponse> {
        ASSIGN_OR_RETURN(sandbox::Pod pod, deps_.pods->Get(id));
        ASSIGN_OR_RETURN(PodSample sample, SamplePod(*deps_.containers, pod));
        v1::PodSandboxStatsResponse stats;
        *stats.mutable_stats() = ToPodSandboxStats(sample, usage_rates_);
        return stats;
      });
}

grpc::Status RuntimeService::ListPodSandboxStats(
    grpc::ServerContext*, const v1::ListPodSandboxStatsRequest* req,
    v1::ListPodSandboxStatsResponse* resp) {
  return HandleRpc("ListPodSandboxStats", "", resp, [&] {
    v1::ListPodSandboxStatsResponse list;
    for (const auto& s : SampleReadyPods(*deps_.pods, *deps_.containers,
                                         MatchFilter(req->filter()))) {
      *list.add_stats() = ToPodSandboxStats(s, usage_rates_);
    }
    ForgetGoneUsageRates(deps_, usage_rates_);
    return list;
  });
}

grpc::Status RuntimeService::StreamPodSandboxStats(
    grpc::ServerContext*, const v1::StreamPodSandboxStatsRequest* req,
    grpc::ServerWriter<v1::StreamPodSandboxStatsResponse>* writer) {
  return HandleRpc("StreamPodSandboxStats", "", [&] {
    WriteInBatches(writer,
                   SampleReadyPods(*deps_.pods, *deps_.containers,
                                   MatchFilter(req->filter())),
                   [&](const PodSample& s, auto& batch) {
                     *batch.add_pod_sandbox_stats() =
                         ToPodSandboxStats(s, usage_rates_);
                   });
    ForgetGoneUsageRates(deps_, usage_rates_);
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
