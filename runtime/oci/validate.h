// Semantic checks of a parsed spec; errors name the field.
#pragma once

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::oci {

[[nodiscard]] absl::Status Validate(const Spec& spec);
[[nodiscard]] absl::Status ValidateProcess(const Process& process);

}  // namespace crisp::runtime::oci
