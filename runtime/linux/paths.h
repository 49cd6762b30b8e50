// Paths inside a container's rootfs, resolved with openat2(RESOLVE_IN_ROOT)
// so that a symlink in the image can never lead a mount or a device node out
// of the rootfs.
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp::runtime::paths {

// openat2(root, path, flags|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).
[[nodiscard]] absl::StatusOr<UniqueFd> OpenInRoot(int root,
                                                  const std::string& path,
                                                  int flags);

// Creates `path` (a directory, or an empty file when !directory) and its
// missing parents inside root; returns an O_PATH fd on it.
[[nodiscard]] absl::StatusOr<UniqueFd> CreateInRoot(int root,
                                                    const std::string& path,
                                                    bool directory,
                                                    mode_t mode = 0755);

// "/proc/self/fd/<fd>": a mount target that names exactly that inode.
std::string FdPath(int fd);

}  // namespace crisp::runtime::paths
