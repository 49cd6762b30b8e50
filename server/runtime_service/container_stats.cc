// ContainerStats, ListContainerStats and StreamContainerStats from the
// container's cgroup and writable layer.
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/pod_sample.h"
#include "server/runtime_service/runtime_service.h"
#include "server/runtime_service/stats_translate.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

// The stats of every live container matching `filter`; those that exit
// while being read are left out.
std::vector<v1::ContainerStats> AllStats(containers::ContainerService& manager,
                                         const v1::ContainerStatsFilter& filter,
                                         UsageRates& rates) {
  std::vector<v1::ContainerStats> out;
  for (const auto& c : manager.List()) {
    if (!filter.id().empty() && c.id.rfind(filter.id(), 0) != 0) continue;
    if (!filter.pod_sandbox_id().empty() &&
        c.pod_id.rfind(filter.pod_sandbox_id(), 0) != 0) {
      continue;
    }
    bool labels_match = true;
    for (const auto& [k, v] : filter.label_selector()) {
      auto it = c.labels.find(k);
      labels_match &= it != c.labels.end() && it->second == v;
    }
    if (!labels_match || !IsRunning(manager, c)) continue;
    auto sample = SampleContainer(manager, c);
    if (sample.ok()) out.push_back(ToContainerStats(*sample, rates));
  }
  return out;
}

}  // namespace

grpc::Status RuntimeService::ContainerStats(
    grpc::ServerContext*, const v1::ContainerStatsRequest* req,
    v1::ContainerStatsResponse* resp) {
  const std::string& id = req->container_id();
  return HandleRpc(
      "ContainerStats", id, resp,
      [&]() -> absl::StatusOr<v1::ContainerStatsResponse> {
        ASSIGN_OR_RETURN(containers::Container c, deps_.containers->Get(id));
        ASSIGN_OR_RETURN(ContainerSample sample,
                         SampleContainer(*deps_.containers, c));
        v1::ContainerStatsResponse stats;
        *stats.mutable_stats() = ToContainerStats(sample, usage_rates_);
        return stats;
      });
}

grpc::Status RuntimeService::ListContainerStats(
    grpc::ServerContext*, const v1::ListContainerStatsRequest* req,
    v1::ListContainerStatsResponse* resp) {
  return HandleRpc("ListContainerStats", "", resp, [&] {
    v1::ListContainerStatsResponse list;
    for (auto& s : AllStats(*deps_.containers, req->filter(), usage_rates_)) {
      *list.add_stats() = std::move(s);
    }
    ForgetGoneUsageRates(deps_, usage_rates_);
    return list;
  });
}

grpc::Status RuntimeService::StreamContainerStats(
    grpc::ServerContext*, const v1::StreamContainerStatsRequest* req,
    grpc::ServerWriter<v1::StreamContainerStatsResponse>* writer) {
  return HandleRpc("StreamContainerStats", "", [&] {
    WriteInBatches(writer,
                   AllStats(*deps_.containers, req->filter(), usage_rates_),
                   [](const auto& stats, auto& batch) {
                     *batch.add_container_stats() = stats;
                   });
    ForgetGoneUsageRates(deps_, usage_rates_);
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
