// A pod's own cgroup: the cgroup parent kubelet made for it (cgroupfs
// path, e.g. /kubepods/burstable/pod<uid>), under which crisp puts the
// pod's containers. A pod run without a parent (crictl, critest) has no
// cgroup of its own: its containers sit under /crisp.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/cgroups/layout.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

// The pod's cgroup path, "/"-rooted without a trailing "/"; "" when the
// pod has no cgroup parent.
std::string PodCgroupPath(const PodSpec& spec);

// The stats of the pod's cgroup (hierarchical: its containers included).
// NotFound when the pod has no cgroup or its directories do not exist.
[[nodiscard]] absl::StatusOr<runtime::cgroups::Stats> ReadPodCgroupStats(
    const runtime::cgroups::Layout& layout, const Pod& pod);

// Writes `resources` to the pod's cgroup. FailedPrecondition when the pod
// has no cgroup of its own or it does not exist (kubelet makes it before
// RunPodSandbox): nothing is created here.
[[nodiscard]] absl::Status UpdatePodCgroup(
    const runtime::cgroups::Layout& layout, const Pod& pod,
    const runtime::oci::Resources& resources);

}  // namespace crisp::sandbox
