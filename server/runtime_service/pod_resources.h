// UpdatePodSandboxResources' request → the pod cgroup's resources: what
// the pod's containers sum to plus the pod's overhead (as kubelet sizes a
// pod cgroup), checked as UpdateContainerResources checks its request.
#pragma once

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server {

// The limits resources + overhead: memory and CPU quota add up (the
// overhead's quota rescaled to the resources' period), shares add up
// (capped at the kernel's maximum), hugepage limits add up per page size;
// cpusets and unified keys are the resources'. A limit the resources
// leave unset stays unset, overhead or not. InvalidArgument, naming the
// field, for a value UpdateContainerResources refuses.
[[nodiscard]] absl::StatusOr<::runtime::v1::LinuxContainerResources>
CombinePodResources(const ::runtime::v1::LinuxContainerResources& resources,
                    const ::runtime::v1::LinuxContainerResources& overhead);

[[nodiscard]] absl::StatusOr<runtime::oci::Resources> PodCgroupResources(
    const ::runtime::v1::UpdatePodSandboxResourcesRequest& request);

}  // namespace crisp::server
