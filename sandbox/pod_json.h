// Pod <-> JSON, the form a pod is stored in (crisp.db, column "pod").
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

std::string PodToJson(const Pod& pod);
// InvalidArgument naming the field when the text is not a stored pod.
[[nodiscard]] absl::StatusOr<Pod> PodFromJson(const std::string& text);

}  // namespace crisp::sandbox
