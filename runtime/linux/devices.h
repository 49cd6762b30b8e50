// Device nodes in the container's /dev: the default set every container
// gets (null, zero, full, random, urandom, tty), the spec's linux.devices,
// and the standard /dev symlinks. In a user namespace mknod is not allowed,
// so nodes are bind mounts of the host's.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::devices {

// The default devices, as spec entries (c 1:3 /dev/null, ...).
std::vector<oci::Device> DefaultDevices();

// The device cgroup rules every container gets after the spec's own (as
// runc): mknod of anything, the default devices, /dev/pts/* and ptmx, and
// allow rules for the spec's linux.devices.
std::vector<oci::DeviceRule> AllowedDeviceRules(
    const std::vector<oci::Device>& extra);

// Creates each device at its path inside the rootfs (root_fd).
[[nodiscard]] absl::Status CreateDevices(
    int root_fd, const std::vector<oci::Device>& devices, bool bind);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx, /dev/core.
[[nodiscard]] absl::Status CreateSymlinks(int root_fd);

}  // namespace crisp::runtime::devices
