// Files on the host that a CRI request names and crispd reads (a Localhost
// seccomp profile). The request chooses the path, so the read must neither
// block (a FIFO would hang CreateContainer and every retry of it) nor be
// endless (/dev/zero would fill crispd's memory).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace crisp::server::specgen {

// The whole text of `path` when it is a regular file of at most
// `max_bytes`; InvalidArgument naming `what`, the path and the cause
// otherwise (missing, unreadable, not a regular file, too large).
[[nodiscard]] absl::StatusOr<std::string> ReadHostFile(const std::string& what,
                                                       const std::string& path,
                                                       size_t max_bytes);

}  // namespace crisp::server::specgen
