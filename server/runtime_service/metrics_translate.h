// Pod samples → CRI metrics (KEP-2371, kubelet's cAdvisor-less mode):
// the cAdvisor metric names kubelet serves on /metrics/cadvisor, each with
// a descriptor whose label keys the values follow. kubelet copies name,
// labels, type and value through unchanged.
//
// CRI carries every value as an integer, so the *_seconds_total counters
// are whole seconds (as CRI-O reports them).
#pragma once

#include <vector>

#include "cri-api/api.pb.h"
#include "server/runtime_service/pod_sample.h"

namespace crisp::server {

std::vector<::runtime::v1::MetricDescriptor> MetricDescriptors();

// The pod's own series (its cgroup, container="", and its network per
// interface) and each running container's.
::runtime::v1::PodSandboxMetrics ToPodSandboxMetrics(const PodSample& sample);

}  // namespace crisp::server
