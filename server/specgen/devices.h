// linux.devices and the device cgroup rules.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

struct DevicePlan {
  std::vector<runtime::oci::Device> devices;
  std::vector<runtime::oci::DeviceRule> rules;
};

// The CRI devices with an allow rule each, after runc's default rules;
// privileged: also every host device (/dev walked) and one rule allowing
// all. InvalidArgument names devices[i] and the cause; CDI devices are
// refused rather than dropped.
[[nodiscard]] absl::StatusOr<DevicePlan> BuildDevices(
    const v1::ContainerConfig& config);

// Deny everything, then allow what every container needs: mknod of any
// node, null zero full random urandom tty console ptmx and /dev/pts/*.
std::vector<runtime::oci::DeviceRule> DefaultDeviceRules();

// The device nodes at `host_path`: the node itself, or those under a
// directory (skipping pts, shm, fd, mqueue, console and FIFOs, as
// containerd), placed under `container_path` ("" keeps the host path).
// Symlinks inside are not followed.
[[nodiscard]] absl::StatusOr<std::vector<runtime::oci::Device>> DevicesAt(
    const std::string& host_path, const std::string& container_path);

}  // namespace crisp::server::specgen
