// The AppArmor profile a container runs under, decided from its security
// context and what crispd found on the host at start-up. It follows
// containerd: on an AppArmor host RuntimeDefault (and an unset profile,
// kubernetes#51746) is Crisp's crisp-default, and a container never runs
// unconfined because that profile is missing; without AppArmor,
// RuntimeDefault is unconfined and a named profile is an error.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"

namespace crisp::server::specgen {

struct AppArmorState {
  bool enabled = false;  // the kernel enforces AppArmor on this node
  // OK once crisp-default is loaded; why it is not otherwise.
  absl::Status default_profile = absl::UnavailableError("not loaded");
  // Whether a profile of this name is loaded (Localhost): profiles may be
  // loaded after crispd starts, so it is asked at each create.
  std::function<absl::StatusOr<bool>(const std::string& name)> loaded;
};

// "" for unconfined and for privileged containers (as before: privileged
// means unconfined), else the profile name. InvalidArgument for a malformed
// request; FailedPrecondition naming the profile when it cannot be
// honoured on this node. `state` null means AppArmor is not enabled.
[[nodiscard]] absl::StatusOr<std::string> AppArmorProfile(
    const ::runtime::v1::LinuxContainerSecurityContext& sc,
    const AppArmorState* state);

// One line for the start-up log and RuntimeStatus's verbose info.
std::string DescribeAppArmor(const AppArmorState& state);

}  // namespace crisp::server::specgen
