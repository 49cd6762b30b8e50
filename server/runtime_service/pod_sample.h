// One reading of everything a pod's stats and metrics report, in plain
// structs (the CRI translations are stats_translate.h and
// metrics_translate.h): the pod's cgroup (or, for a pod without one, the
// sum of its containers'), each running container's cgroup and writable
// layer, and the links of the pod's network namespace.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "containers/container.h"
#include "containers/container_service.h"
#include "image/content/fs_usage.h"
#include "runtime/cgroups/stats.h"
#include "sandbox/link_stats.h"
#include "sandbox/pod.h"
#include "sandbox/pod_service.h"

namespace crisp::server {

// The file system holding a writable layer (statvfs).
struct FsCapacity {
  uint64_t bytes = 0;
  uint64_t inodes = 0, inodes_free = 0;
};

struct ContainerSample {
  containers::Container container;
  runtime::cgroups::Stats cgroup;
  std::optional<image::FsUsage> writable_layer;  // unset: could not be read
  std::optional<FsCapacity> layer_fs;            // unset: could not be read
  int64_t timestamp_ns = 0;
};

struct PodSample {
  sandbox::Pod pod;
  runtime::cgroups::Stats cgroup;
  std::vector<ContainerSample> containers;  // the running ones
  // Unset for a pod on the host's network (its traffic is the node's).
  std::optional<std::vector<sandbox::LinkStats>> links;
  int64_t timestamp_ns = 0;
};

bool IsRunning(const containers::ContainerService& manager,
               const containers::Container& c);

// One created or running container (its cgroup exists).
[[nodiscard]] absl::StatusOr<ContainerSample> SampleContainer(
    containers::ContainerService& manager, const containers::Container& c);

// Unavailable for a pod that is not ready (as containerd: its namespaces
// are gone). A link dump that fails is logged and leaves `links` empty.
[[nodiscard]] absl::StatusOr<PodSample> SamplePod(
    containers::ContainerService& manager, const sandbox::Pod& pod);

// The samples of the ready pods that `match`: a pod that is not ready has
// no stats (containerd leaves it out too) and one whose reading fails is
// logged and left out, so one bad pod does not hide the others.
std::vector<PodSample> SampleReadyPods(
    sandbox::PodService& pods, containers::ContainerService& containers,
    const std::function<bool(const sandbox::Pod&)>& match);

}  // namespace crisp::server
