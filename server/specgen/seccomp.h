// linux.seccomp: which profile a container gets, and Localhost profiles
// read from the node.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// security_context.seccomp, else the deprecated seccomp_profile_path:
// RuntimeDefault ("runtime/default", "docker/default") → the default
// profile; Unconfined ("unconfined", or nothing asked) and privileged →
// nullopt; Localhost ("localhost/<path>") → that file. `bounding` is the
// container's bounding set, which capability-conditional rules follow.
[[nodiscard]] absl::StatusOr<std::optional<runtime::oci::Seccomp>> BuildSeccomp(
    const v1::LinuxContainerSecurityContext& sc,
    const std::vector<std::string>& bounding);

// A profile in the OCI form (linux.seccomp) or Docker's (archMap, "name",
// includes/excludes on arches, caps and minKernel), evaluated for this
// node and `bounding`. InvalidArgument names `source` and the field.
[[nodiscard]] absl::StatusOr<runtime::oci::Seccomp> ParseSeccompProfile(
    const std::string& json, const std::vector<std::string>& bounding,
    const std::string& source);

// ParseSeccompProfile of the file at `path` (absolute).
[[nodiscard]] absl::StatusOr<runtime::oci::Seccomp> LoadSeccompProfile(
    const std::string& path, const std::vector<std::string>& bounding);

}  // namespace crisp::server::specgen
