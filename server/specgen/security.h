// Masked and read-only /proc and /sys paths (AppArmor: apparmor.h).
#pragma once

#include <string>
#include <vector>

#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// containerd's (and kubelet's) defaults.
std::vector<std::string> DefaultMaskedPaths();
std::vector<std::string> DefaultReadonlyPaths();

// The security context's lists when it has them (kubelet sends them), the
// defaults otherwise; none when privileged. CRI cannot tell an empty list
// from a missing one, so an empty list gets the defaults: the safe reading.
void ApplyMaskedPaths(const v1::LinuxContainerSecurityContext& sc,
                      runtime::oci::Linux& linux);

}  // namespace crisp::server::specgen
