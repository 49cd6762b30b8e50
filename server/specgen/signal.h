// Signal names, as an image's StopSignal spells them.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace crisp::server::specgen {

// "SIGTERM", "TERM", "15", "SIGRTMIN+3" → the signal number; InvalidArgument
// for anything else.
[[nodiscard]] absl::StatusOr<int> SignalNumber(const std::string& name);

}  // namespace crisp::server::specgen
