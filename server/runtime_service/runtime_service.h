// CRI RuntimeService. Each RPC family lives in its own .cc file; RPCs whose
// capability has not landed yet answer UNIMPLEMENTED naming that capability
// (pending_rpcs.cc).
#pragma once

#include <string>

#include "absl/synchronization/mutex.h"
#include "common/event_hub.h"
#include "containers/container_service.h"
#include "cri-api/api.grpc.pb.h"
#include "image/image_catalog.h"
#include "sandbox/pod_service.h"
#include "server/config/config.h"
#include "server/health/node_health.h"
#include "server/runtime_service/usage_rates.h"
#include "server/specgen/apparmor.h"
#include "server/specgen/node_features.h"

namespace crisp::streaming {
class StreamingServer;
}  // namespace crisp::streaming

namespace crisp::server {

// What the handlers work on, as interfaces (server/daemon/services.cc wires
// the managers in; tests, fakes).
struct RuntimeServiceDeps {
  const Config* config = nullptr;
  NodeHealth* health = nullptr;
  sandbox::PodService* pods = nullptr;
  containers::ContainerService* containers = nullptr;
  image::ImageCatalog* images = nullptr;
  streaming::StreamingServer* streaming = nullptr;
  const specgen::AppArmorState* apparmor = nullptr;  // null: not enabled
  const specgen::NodeFeatures* features = nullptr;   // null: none offered
  events::Hub* events = nullptr;  // GetContainerEvents' source
};

namespace v1 = ::runtime::v1;

class RuntimeService final : public v1::RuntimeService::Service {
 public:
  explicit RuntimeService(RuntimeServiceDeps deps) : deps_(deps) {}

  // version.cc
  grpc::Status Version(grpc::ServerContext*, const v1::VersionRequest*,
                       v1::VersionResponse*) override;
  // status.cc
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse*) override;
  // runtime_config.cc
  grpc::Status RuntimeConfig(grpc::ServerContext*,
                             const v1::RuntimeConfigRequest*,
                             v1::RuntimeConfigResponse*) override;
  grpc::Status UpdateRuntimeConfig(grpc::ServerContext*,
                                   const v1::UpdateRuntimeConfigRequest*,
                                   v1::UpdateRuntimeConfigResponse*) override;

  // pod_sandbox_lifecycle.cc
  grpc::Status RunPodSandbox(grpc::ServerContext*,
                             const v1::RunPodSandboxRequest*,
                             v1::RunPodSandboxResponse*) override;
  grpc::Status StopPodSandbox(grpc::ServerContext*,
                              const v1::StopPodSandboxRequest*,
                              v1::StopPodSandboxResponse*) override;
  grpc::Status RemovePodSandbox(grpc::ServerContext*,
                                const v1::RemovePodSandboxRequest*,
                                v1::RemovePodSandboxResponse*) override;
  // pod_sandbox_status.cc
  grpc::Status PodSandboxStatus(grpc::ServerContext*,
                                const v1::PodSandboxStatusRequest*,
                                v1::PodSandboxStatusResponse*) override;
  grpc::Status ListPodSandbox(grpc::ServerContext*,
                              const v1::ListPodSandboxRequest*,
                              v1::ListPodSandboxResponse*) override;
  grpc::Status StreamPodSandboxes(
      grpc::ServerContext*, const v1::StreamPodSandboxesRequest*,
      grpc::ServerWriter<v1::StreamPodSandboxesResponse>*) override;

  // container_create.cc
  grpc::Status CreateContainer(grpc::ServerContext*,
                               const v1::CreateContainerRequest*,
                               v1::CreateContainerResponse*) override;
  // container_lifecycle.cc
  grpc::Status StartContainer(grpc::ServerContext*,
                              const v1::StartContainerRequest*,
                              v1::StartContainerResponse*) override;
  grpc::Status StopContainer(grpc::ServerContext*,
                             const v1::StopContainerRequest*,
                             v1::StopContainerResponse*) override;
  grpc::Status RemoveContainer(grpc::ServerContext*,
                               const v1::RemoveContainerRequest*,
                               v1::RemoveContainerResponse*) override;
  // container_status.cc
  grpc::Status ContainerStatus(grpc::ServerContext*,
                               const v1::ContainerStatusRequest*,
                               v1::ContainerStatusResponse*) override;
  grpc::Status ListContainers(grpc::ServerContext*,
                              const v1::ListContainersRequest*,
                              v1::ListContainersResponse*) override;
  grpc::Status StreamContainers(
      grpc::ServerContext*, const v1::StreamContainersRequest*,
      grpc::ServerWriter<v1::StreamContainersResponse>*) override;
  // container_events.cc
  grpc::Status GetContainerEvents(
      grpc::ServerContext*, const v1::GetEventsRequest*,
      grpc::ServerWriter<v1::ContainerEventResponse>*) override;

  // exec_sync.cc
  grpc::Status ExecSync(grpc::ServerContext*, const v1::ExecSyncRequest*,
                        v1::ExecSyncResponse*) override;
  // streaming_rpcs.cc
  grpc::Status Exec(grpc::ServerContext*, const v1::ExecRequest*,
                    v1::ExecResponse*) override;
  grpc::Status Attach(grpc::ServerContext*, const v1::AttachRequest*,
                      v1::AttachResponse*) override;
  grpc::Status PortForward(grpc::ServerContext*, const v1::PortForwardRequest*,
                           v1::PortForwardResponse*) override;

  // container_update.cc
  grpc::Status UpdateContainerResources(
      grpc::ServerContext*, const v1::UpdateContainerResourcesRequest*,
      v1::UpdateContainerResourcesResponse*) override;
  grpc::Status ReopenContainerLog(grpc::ServerContext*,
                                  const v1::ReopenContainerLogRequest*,
                                  v1::ReopenContainerLogResponse*) override;
  // container_stats.cc
  grpc::Status ContainerStats(grpc::ServerContext*,
                              const v1::ContainerStatsRequest*,
                              v1::ContainerStatsResponse*) override;
  grpc::Status ListContainerStats(grpc::ServerContext*,
                                  const v1::ListContainerStatsRequest*,
                                  v1::ListContainerStatsResponse*) override;
  grpc::Status StreamContainerStats(
      grpc::ServerContext*, const v1::StreamContainerStatsRequest*,
      grpc::ServerWriter<v1::StreamContainerStatsResponse>*) override;

  // pod_sandbox_stats.cc
  grpc::Status PodSandboxStats(grpc::ServerContext*,
                               const v1::PodSandboxStatsRequest*,
                               v1::PodSandboxStatsResponse*) override;
  grpc::Status ListPodSandboxStats(grpc::ServerContext*,
                                   const v1::ListPodSandboxStatsRequest*,
                                   v1::ListPodSandboxStatsResponse*) override;
  grpc::Status StreamPodSandboxStats(
      grpc::ServerContext*, const v1::StreamPodSandboxStatsRequest*,
      grpc::ServerWriter<v1::StreamPodSandboxStatsResponse>*) override;
  // pod_sandbox_metrics.cc
  grpc::Status ListMetricDescriptors(
      grpc::ServerContext*, const v1::ListMetricDescriptorsRequest*,
      v1::ListMetricDescriptorsResponse*) override;
  grpc::Status ListPodSandboxMetrics(
      grpc::ServerContext*, const v1::ListPodSandboxMetricsRequest*,
      v1::ListPodSandboxMetricsResponse*) override;
  grpc::Status StreamPodSandboxMetrics(
      grpc::ServerContext*, const v1::StreamPodSandboxMetricsRequest*,
      grpc::ServerWriter<v1::StreamPodSandboxMetricsResponse>*) override;
  // pod_sandbox_update.cc
  grpc::Status UpdatePodSandboxResources(
      grpc::ServerContext*, const v1::UpdatePodSandboxResourcesRequest*,
      v1::UpdatePodSandboxResourcesResponse*) override;

#define CRISP_PENDING_RPC(Method)                                       \
  grpc::Status Method(grpc::ServerContext*, const v1::Method##Request*, \
                      v1::Method##Response*) override;
#define CRISP_PENDING_STREAM(Method, Request, Response)         \
  grpc::Status Method(grpc::ServerContext*, const v1::Request*, \
                      grpc::ServerWriter<v1::Response>*) override;
#include "server/runtime_service/pending_rpcs.inc"
#undef CRISP_PENDING_RPC
#undef CRISP_PENDING_STREAM

  // The pod CIDR kubelet last sent through UpdateRuntimeConfig.
  std::string pod_cidr() const;

 private:
  absl::StatusOr<v1::CreateContainerResponse> CreateContainerFor(
      const v1::CreateContainerRequest& req);

  RuntimeServiceDeps deps_;
  // CPU rates of pods and containers between stats calls.
  UsageRates usage_rates_;
  mutable absl::Mutex mu_;
  std::string pod_cidr_ ABSL_GUARDED_BY(mu_);
};

// pod_sandbox_stats.cc: forgets the CPU samples of pods and containers
// that are gone.
void ForgetGoneUsageRates(const RuntimeServiceDeps& deps, UsageRates& rates);

}  // namespace crisp::server
