// Samples (pod_sample.h) → CRI ContainerStats and PodSandboxStats, with
// usage_nano_cores from the previous sample of the same id.
#pragma once

#include "cri-api/api.pb.h"
#include "server/runtime_service/pod_sample.h"
#include "server/runtime_service/usage_rates.h"

namespace crisp::server {

// The interface kubelet takes as the pod's own (its Summary's "network").
inline constexpr char kDefaultInterface[] = "eth0";

::runtime::v1::ContainerStats ToContainerStats(const ContainerSample& sample,
                                               UsageRates& rates);
// Loopback is left out, as kubelet does; the default interface is eth0, or
// the first other one without it (as containerd); a pod on the host
// network has no network usage at all.
::runtime::v1::PodSandboxStats ToPodSandboxStats(const PodSample& sample,
                                                 UsageRates& rates);

}  // namespace crisp::server
