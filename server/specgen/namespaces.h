// linux.namespaces and the hostname: what a container shares with its pod.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/oci/spec.h"
#include "server/specgen/container_spec.h"

namespace crisp::server::specgen {

// The pod's network, IPC and UTS namespaces joined by path (no entry where
// the pod uses the host's); a new mount namespace; PID: in.pid_namespace
// when given (a pod-shared one, or a target container's), else the host's
// with host_pid or mode NODE, the pod's pinned one in mode POD, a new one
// otherwise; a new cgroup namespace unless privileged (containerd leaves
// privileged containers in the host's, so they see and manage the whole
// hierarchy).
[[nodiscard]] absl::StatusOr<std::vector<runtime::oci::Namespace>>
BuildNamespaces(const ContainerSpecInput& in);

// The pod's hostname, or the node's when the pod has none (a host-network
// pod): the container's HOSTNAME variable.
std::string PodHostname(const sandbox::Pod& pod);

}  // namespace crisp::server::specgen
