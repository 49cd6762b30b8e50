// glog set-up shared by crispd, crisp-monitor and crisp-runtime.
#pragma once

#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace crisp {

// Logs to stderr at `level` ("debug", "info", "warn", "error", "fatal";
// "debug" also turns on VLOG(1)). Unknown levels are InvalidArgument.
[[nodiscard]] absl::Status InitLogging(const char* argv0,
                                       absl::string_view level);

// The same level check, without touching glog, for config validation.
[[nodiscard]] absl::Status ValidateLogLevel(absl::string_view level);

}  // namespace crisp
