// Checks of CRI strings and numbers before crispd acts on them. CRI
// clients are root-equivalent, but a string joined to a host path must
// still not leave the directory it is meant for (audit L6), and a value
// the kernel would refuse is the caller's error (InvalidArgument naming the
// field), not crispd's (INTERNAL). Pure functions: no file is touched.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cri-api/api.pb.h"

namespace crisp::server::specgen {

// The pod's log directory: absolute, without ".." components.
[[nodiscard]] absl::Status CheckLogDirectory(absl::string_view dir);

// A container's log path, relative to the pod's log directory: no ".."
// component, so the file and the directories made for it stay inside.
[[nodiscard]] absl::Status CheckLogPath(absl::string_view path);

// A pod's cgroup parent: no ".." component, so the cgroups crispd
// makes and removes stay inside the cgroup hierarchy.
[[nodiscard]] absl::Status CheckCgroupParent(absl::string_view parent);

// linux.resources of a container (create and update): unified keys are
// plain file names (runc refuses "/"), cpuset lists parse, and CPU period,
// quota and shares are within what the kernel accepts.
[[nodiscard]] absl::Status CheckResources(
    const ::runtime::v1::LinuxContainerResources& resources);

}  // namespace crisp::server::specgen
