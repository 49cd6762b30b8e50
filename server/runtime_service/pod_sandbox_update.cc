// UpdatePodSandboxResources: kubelet resized the pod (in-place resize)
// and tells the runtime the pod-level figures, which crisp writes to the
// pod's cgroup.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/cgroups/layout.h"
#include "sandbox/pod_cgroup.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/pod_resources.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::UpdatePodSandboxResources(
    grpc::ServerContext*, const v1::UpdatePodSandboxResourcesRequest* req,
    v1::UpdatePodSandboxResourcesResponse*) {
  const std::string& id = req->pod_sandbox_id();
  return HandleRpc("UpdatePodSandboxResources", id, [&]() -> absl::Status {
    auto resources = PodCgroupResources(*req);
    if (!resources.ok()) {
      return Annotate(resources.status(), absl::StrCat("pod ", id));
    }
    ASSIGN_OR_RETURN(sandbox::Pod pod, deps_.pods->Get(id));
    ASSIGN_OR_RETURN(runtime::cgroups::Layout layout,
                     runtime::cgroups::DetectLayout());
    return sandbox::UpdatePodCgroup(layout, pod, *resources);
  });
}

}  // namespace crisp::server
