// Masked and read-only /proc and /sys paths, and the AppArmor profile.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/spec/spec.h"

namespace crisp::server::spec {

namespace v1 = ::runtime::v1;

// containerd's (and kubelet's) defaults.
std::vector<std::string> DefaultMaskedPaths();
std::vector<std::string> DefaultReadonlyPaths();

// The security context's lists when it has them (kubelet sends them), the
// defaults otherwise; none when privileged. CRI cannot tell an empty list
// from a missing one, so an empty list gets the defaults: the safe reading.
void ApplyMaskedPaths(const v1::LinuxContainerSecurityContext& sc,
                      runtime::spec::Linux& linux);

// The AppArmor profile to ask the runtime for: "" for runtime/default and
// unconfined (Crisp has no default AppArmor profile of its own) and when
// privileged; the profile name for localhost/<name>. The runtime refuses a
// named profile where AppArmor is missing, so the request is never
// silently dropped. InvalidArgument for a malformed request.
[[nodiscard]] absl::StatusOr<std::string> AppArmorProfile(
    const v1::LinuxContainerSecurityContext& sc);

}  // namespace crisp::server::spec
