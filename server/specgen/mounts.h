// The container's mounts: kernel file systems, the pod's files, the CRI
// mounts, and the rootfs propagation they need.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"
#include "sandbox/pod.h"
#include "server/specgen/container_spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

struct MountPlan {
  std::vector<runtime::oci::Mount> mounts;
  std::string rootfs_propagation;  // "", "rslave" or "rshared"
};

// Kernel mounts, then the pod's files and the CRI mounts sorted so that a
// parent comes before what is mounted under it. A default is left out
// where the config mounts the same destination itself, and everything
// under /dev when it mounts /dev (containerd's rule).
[[nodiscard]] absl::StatusOr<MountPlan> BuildMounts(
    const ContainerSpecInput& in);

// /proc, /dev, /dev/pts, /dev/mqueue, /sys and /sys/fs/cgroup (the last two
// read-only unless privileged).
std::vector<runtime::oci::Mount> KernelMounts(bool privileged);

// /etc/hostname, /etc/hosts, /etc/resolv.conf from the pod's files (read-only
// with a read-only rootfs, as containerd) and /dev/shm from the pod's
// tmpfs, or the host's with host IPC. A file the pod does not have is left
// out, as containerd does.
std::vector<runtime::oci::Mount> PodMounts(const sandbox::Pod& pod,
                                           bool readonly_rootfs, bool host_ipc);

// One CRI mount as an rbind of its resolved host path. Raises
// `rootfs_propagation` to what HOST_TO_CONTAINER (rslave) or BIDIRECTIONAL
// (rshared) need. InvalidArgument names mounts[index] and the cause.
[[nodiscard]] absl::StatusOr<runtime::oci::Mount> BindMount(
    const v1::Mount& m, size_t index, std::string& rootfs_propagation);

// "a//b/./c/../" → "/a/b"; paths are taken as absolute.
std::string CleanPath(const std::string& path);

}  // namespace crisp::server::specgen
