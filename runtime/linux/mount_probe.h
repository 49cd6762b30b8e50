// Measures what this node's kernel can do for mounts, by doing it: each
// probe runs in a mount namespace of its own on scratch tmpfs mounts, so
// nothing it makes is seen by, or left on, the host.
#pragma once

#include "absl/status/status.h"

namespace crisp::runtime::mounts {

// OK when an rbind made read-only with mount_setattr(AT_RECURSIVE,
// MOUNT_ATTR_RDONLY) leaves a submount read-only too (the "rro" mount
// option). Otherwise the cause, naming the kernel release. It unshares the
// caller's mount namespace for good: call it only in a single-threaded
// process that does nothing else with mounts (crisp-runtime features).
// Needs CAP_SYS_ADMIN.
[[nodiscard]] absl::Status ProbeRecursiveReadOnly();

}  // namespace crisp::runtime::mounts
