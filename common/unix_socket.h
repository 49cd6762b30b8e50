// Unix stream sockets by path, including paths longer than sun_path's 108
// bytes (a container dir under a long state dir): those are reached through
// the /proc/self/fd/N magic link of their directory, as conmon does.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp {

// Binds (replacing a stale file), chmods to `mode` and listens.
[[nodiscard]] absl::StatusOr<UniqueFd> ListenUnix(const std::string& path,
                                                  int flags, mode_t mode);
[[nodiscard]] absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path);

}  // namespace crisp
