// ListMetricDescriptors, ListPodSandboxMetrics and StreamPodSandboxMetrics:
// the cAdvisor-named metrics of every ready pod (metrics_translate.h).
#include "server/handle_rpc.h"
#include "server/runtime_service/metrics_translate.h"
#include "server/runtime_service/pod_sample.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

bool AnyPod(const sandbox::Pod&) { return true; }

}  // namespace

grpc::Status RuntimeService::ListMetricDescriptors(
    grpc::ServerContext*, const v1::ListMetricDescriptorsRequest*,
    v1::ListMetricDescriptorsResponse* resp) {
  return HandleRpc("ListMetricDescriptors", "", resp, [] {
    v1::ListMetricDescriptorsResponse list;
    for (auto& d : MetricDescriptors()) *list.add_descriptors() = std::move(d);
    return list;
  });
}

grpc::Status RuntimeService::ListPodSandboxMetrics(
    grpc::ServerContext*, const v1::ListPodSandboxMetricsRequest*,
    v1::ListPodSandboxMetricsResponse* resp) {
  return HandleRpc("ListPodSandboxMetrics", "", resp, [&] {
    v1::ListPodSandboxMetricsResponse list;
    for (const auto& s :
         SampleReadyPods(*deps_.pods, *deps_.containers, AnyPod)) {
      *list.add_pod_metrics() = ToPodSandboxMetrics(s);
    }
    return list;
  });
}

grpc::Status RuntimeService::StreamPodSandboxMetrics(
    grpc::ServerContext*, const v1::StreamPodSandboxMetricsRequest*,
    grpc::ServerWriter<v1::StreamPodSandboxMetricsResponse>* writer) {
  return HandleRpc("StreamPodSandboxMetrics", "", [&] {
    WriteInBatches(writer,
                   SampleReadyPods(*deps_.pods, *deps_.containers, AnyPod),
                   [](const PodSample& s, auto& batch) {
                     *batch.add_pod_sandbox_metrics() = ToPodSandboxMetrics(s);
                   });
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
