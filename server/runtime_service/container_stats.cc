// ContainerStats, ListContainerStats and StreamContainerStats from the
// container's cgroup and writable layer.
#include "absl/time/clock.h"
#include "common/status.h"
#include "image/fs_usage.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

absl::StatusOr<v1::ContainerStats> StatsOf(
    containers::ContainerManager& manager, const containers::Container& c) {
  ASSIGN_OR_RETURN(runtime::cgroups::Stats s, manager.Stats(c));
  v1::ContainerStats out;
  auto* attributes = out.mutable_attributes();
  attributes->set_id(c.id);
  attributes->mutable_metadata()->set_name(c.name);
  attributes->mutable_metadata()->set_attempt(c.attempt);
  attributes->mutable_labels()->insert(c.labels.begin(), c.labels.end());
  attributes->mutable_annotations()->insert(c.annotations.begin(),
                                            c.annotations.end());
  int64_t now = absl::GetCurrentTimeNanos();
  out.mutable_cpu()->set_timestamp(now);
  out.mutable_cpu()->mutable_usage_core_nano_seconds()->set_value(
      s.cpu_usage_ns);
  auto* memory = out.mutable_memory();
  memory->set_timestamp(now);
  memory->mutable_working_set_bytes()->set_value(s.memory_working_set);
  memory->mutable_usage_bytes()->set_value(s.memory_usage);
  memory->mutable_rss_bytes()->set_value(s.memory_rss);
  auto* layer = out.mutable_writable_layer();
  layer->set_timestamp(now);
  layer->mutable_fs_id()->set_mountpoint(c.layer);
  auto usage = image::DiskUsage(c.Layer().UpperDir());
  if (usage.ok()) {
    layer->mutable_used_bytes()->set_value(usage->bytes);
    layer->mutable_inodes_used()->set_value(usage->inodes);
  }
  return out;
}

// The stats of every live container matching `filter`; those that exit
// while being read are left out.
std::vector<v1::ContainerStats> AllStats(
    containers::ContainerManager& manager,
    const v1::ContainerStatsFilter& filter) {
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
    if (!labels_match) continue;
    if (manager.StatusOf(c).state != containers::ContainerState::kRunning) {
      continue;
    }
    auto stats = StatsOf(manager, c);
    if (stats.ok()) out.push_back(*std::move(stats));
  }
  return out;
}

}  // namespace

grpc::Status RuntimeService::ContainerStats(
    grpc::ServerContext*, const v1::ContainerStatsRequest* req,
    v1::ContainerStatsResponse* resp) {
  const std::string& id = req->container_id();
  return LoggedRpc("ContainerStats", id, [&] {
    auto c = deps_.containers->Get(id);
    if (!c.ok()) return ToGrpcStatus(c.status());
    auto stats = StatsOf(*deps_.containers, *c);
    if (!stats.ok()) return ToGrpcStatus(stats.status());
    *resp->mutable_stats() = *std::move(stats);
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::ListContainerStats(
    grpc::ServerContext*, const v1::ListContainerStatsRequest* req,
    v1::ListContainerStatsResponse* resp) {
  return LoggedRpc("ListContainerStats", "", [&] {
    for (auto& s : AllStats(*deps_.containers, req->filter())) {
      *resp->add_stats() = std::move(s);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StreamContainerStats(
    grpc::ServerContext*, const v1::StreamContainerStatsRequest* req,
    grpc::ServerWriter<v1::StreamContainerStatsResponse>* writer) {
  return LoggedRpc("StreamContainerStats", "", [&] {
    WriteInBatches(writer, AllStats(*deps_.containers, req->filter()),
                   [](const auto& stats, auto& batch) {
                     *batch.add_container_stats() = stats;
                   });
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
