// ListMetricDescriptors, ListPodSandboxMetrics and StreamPodSandboxMetrics:
// the cAdvisor-named metrics of every ready pod (metrics_translate.h).
#include "server/rpc_log.h"
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
  return LoggedRpc("ListMetricDescriptors", "", [&] {
    for (auto& d : MetricDescriptors()) *resp->add_descriptors() = std::move(d);
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::ListPodSandboxMetrics(
    grpc::ServerContext*, const v1::ListPodSandboxMetricsRequest*,
    v1::ListPodSandboxMetricsResponse* resp) {
  return LoggedRpc("ListPodSandboxMetrics", "", [&] {
    for (const auto& s :
         SampleReadyPods(*deps_.pods, *deps_.containers, AnyPod)) {
      *resp->add_pod_metrics() = ToPodSandboxMetrics(s);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StreamPodSandboxMetrics(
    grpc::ServerContext*, const v1::StreamPodSandboxMetricsRequest*,
    grpc::ServerWriter<v1::StreamPodSandboxMetricsResponse>* writer) {
  return LoggedRpc("StreamPodSandboxMetrics", "", [&] {
    WriteInBatches(writer,
                   SampleReadyPods(*deps_.pods, *deps_.containers, AnyPod),
                   [](const PodSample& s, auto& batch) {
                     *batch.add_pod_sandbox_metrics() = ToPodSandboxMetrics(s);
                   });
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
