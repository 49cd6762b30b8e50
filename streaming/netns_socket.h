// A TCP socket that lives in a pod's network namespace. The namespace is
// entered by a short-lived thread (network namespaces are per thread), so
// crispd's own threads never change namespace; the socket stays in the
// namespace it was made in.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp::streaming {

// Non-blocking, close-on-exec; `netns_path` empty means crispd's own.
[[nodiscard]] absl::StatusOr<UniqueFd> TcpSocketIn(
    const std::string& netns_path);

}  // namespace crisp::streaming
