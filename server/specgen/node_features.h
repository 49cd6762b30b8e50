// What this node's runtime can do, as `crisp-runtime features` measured it
// when crispd started (the runtime-spec features document, which is also
// how containerd learns it from runc), and the check of a CreateContainer
// request against it.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

struct NodeFeatures {
  // "rro" is in the runtime's mountOptions: mount_setattr(AT_RECURSIVE)
  // worked on this kernel.
  bool recursive_read_only_mounts = false;
  // Why not, as the runtime reported it ("" when supported).
  std::string recursive_read_only_missing;
};

// The features document printed by `crisp-runtime features` (or runc's).
// InvalidArgument for a document that is not one.
[[nodiscard]] absl::StatusOr<NodeFeatures> ParseRuntimeFeatures(
    absl::string_view text);

// FailedPrecondition naming mounts[i] and the node's reason when the config
// asks for a recursive read-only mount this node cannot make.
[[nodiscard]] absl::Status CheckNodeSupports(const v1::ContainerConfig& config,
                                             const NodeFeatures& node);

}  // namespace crisp::server::specgen
