// Capability sets from the spec's names (libcap), the bounding-set drop and
// the final permitted/effective/inheritable/ambient sets.
#pragma once

#include <linux/capability.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::capabilities {

// Each set as a bit mask (bit n = capability n).
struct CapSets {
  uint64_t bounding = 0, effective = 0, inheritable = 0, permitted = 0,
           ambient = 0;
};

// Names → masks. Names this kernel does not know are skipped with a
// warning (as runc does); a name that is not CAP_* is InvalidArgument.
[[nodiscard]] absl::StatusOr<CapSets> FromSpec(const oci::Capabilities& caps);

// Drops every capability not in `bounding` from the bounding set.
[[nodiscard]] absl::Status DropBounding(const CapSets& sets);

// Sets permitted/effective/inheritable, then raises the ambient ones. Call
// after the uid change (with PR_SET_KEEPCAPS).
[[nodiscard]] absl::Status Apply(const CapSets& sets);

}  // namespace crisp::runtime::capabilities
