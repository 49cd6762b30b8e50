// CNI spec versions ("0.4.0", "1.0.0"): the result shape and the verbs a
// network may use (CHECK needs 0.4.0) depend on them.
#pragma once

#include "absl/strings/string_view.h"

namespace crisp::cni {

// True when `version` ("major.minor.patch", missing parts read as 0) is at
// least `minimum`. An empty or malformed version reads as 0.1.0, the
// version plugins assume for a config that names none.
bool VersionAtLeast(absl::string_view version, absl::string_view minimum);

}  // namespace crisp::cni
