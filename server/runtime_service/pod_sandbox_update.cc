// UpdatePodSandboxResources: kubelet resized the pod (in-place resize)
// and tells the runtime the pod-level figures, which crisp writes to the
// pod's cgroup.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/cgroups/layout.h"
#include "sandbox/pod_cgroup.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/pod_resources.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::UpdatePodSandboxResources(
    grpc::ServerContext*, const v1::UpdatePodSandboxResourcesRequest* req,
    v1::UpdatePodSandboxResourcesResponse*) {
  const std::string& id = req->pod_sandbox_id();
  return LoggedRpc("UpdatePodSandboxResources", id, [&] {
    auto resources = PodCgroupResources(*req);
    if (!resources.ok()) {
      return ToGrpcStatus(
          Annotate(resources.status(), absl::StrCat("pod ", id)));
    }
    auto pod = deps_.pods->Get(id);
    if (!pod.ok()) return ToGrpcStatus(pod.status());
    auto layout = runtime::cgroups::DetectLayout();
    if (!layout.ok()) return ToGrpcStatus(layout.status());
    return ToGrpcStatus(sandbox::UpdatePodCgroup(*layout, *pod, *resources));
  });
}

}  // namespace crisp::server
