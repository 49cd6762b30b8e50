// process.capabilities from the security context: containerd's default set,
// add/drop (with "ALL"), ambient capabilities, privileged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// containerd's (and Docker's) default bounding/effective/permitted set.
std::vector<std::string> DefaultCapabilities();

// The capabilities whose bits are set in `mask`, by name ("CAP_CHOWN").
std::vector<std::string> CapabilitiesIn(uint64_t mask);

// "ALL" and privileged: every capability crispd itself holds (its
// effective set), as containerd does. Asking for more than the daemon has
// would make the runtime fail to set them (a node or a container running
// crispd may withhold some, e.g. CAP_SYS_RESOURCE).
std::vector<std::string> AllCapabilities();

// "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN" → "CAP_NET_ADMIN";
// InvalidArgument for a name no kernel defines.
[[nodiscard]] absl::StatusOr<std::string> CapabilityName(
    absl::string_view name);

// The sets for a process running as `uid`. Privileged: AllCapabilities()
// (add/drop ignored, as containerd). Ambient capabilities are also put in
// the bounding, permitted, effective and inheritable sets (the kernel
// keeps an ambient one only while it is permitted and inheritable). For a
// non-root user effective and permitted are the ambient set: execve as
// non-root keeps nothing else, so the spec says what the process will hold.
[[nodiscard]] absl::StatusOr<runtime::oci::Capabilities> BuildCapabilities(
    const v1::LinuxContainerSecurityContext& sc, uint32_t uid);

}  // namespace crisp::server::specgen
