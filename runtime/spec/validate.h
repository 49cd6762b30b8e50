// Semantic checks of a parsed spec; errors name the field.
#pragma once

#include "absl/status/status.h"
#include "runtime/spec/spec.h"

namespace crisp::runtime::spec {

[[nodiscard]] absl::Status Validate(const Spec& spec);
[[nodiscard]] absl::Status ValidateProcess(const Process& process);

}  // namespace crisp::runtime::spec
