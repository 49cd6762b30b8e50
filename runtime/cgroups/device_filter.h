// The device controller of cgroup v2: linux.resources.devices compiled to a
// BPF_PROG_TYPE_CGROUP_DEVICE program (the rules are evaluated last to
// first, the first match decides, no match denies: the same result as
// writing them in order to v1's devices.allow/deny), attached to the
// container's cgroup2 directory.
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::cgroups {

std::vector<struct bpf_insn> CompileDeviceFilter(
    const std::vector<oci::DeviceRule>& rules);

// Loads the program and attaches it to the cgroup2 directory `dir`
// (BPF_F_ALLOW_MULTI); programs attached before are detached afterwards, so
// an update replaces the filter.
[[nodiscard]] absl::Status AttachDeviceFilter(
    const std::string& dir, const std::vector<oci::DeviceRule>& rules);

}  // namespace crisp::runtime::cgroups
