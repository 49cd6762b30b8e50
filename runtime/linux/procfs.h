// What the runtime reads or writes under /proc of a process that is about
// to run a container's code must really be procfs: a container's mounts can
// put a file system of their own over /proc (CVE-2019-16884).
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crisp::runtime::procfs {

// OK when `fd` is on procfs; PermissionDenied naming `what` otherwise.
[[nodiscard]] absl::Status Check(int fd, absl::string_view what);

}  // namespace crisp::runtime::procfs
