// Which cgroup hierarchy the node has. Production nodes are mostly unified
// (v2); this kind of machine is hybrid: v1 controllers plus a cgroup2 mount
// at /sys/fs/cgroup/unified (a layout crun refuses and Crisp supports).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace crisp::runtime::cgroups {

enum class Mode { kLegacy, kHybrid, kUnified };

struct Layout {
  Mode mode = Mode::kUnified;
  std::string unified_mount;                     // cgroup2 mount, if any
  std::map<std::string, std::string> v1_mounts;  // controller → mount
};

absl::string_view ModeName(Mode mode);

// Derives the layout from /proc/self/mountinfo text (a pure function, so it
// is tested without root). InvalidArgument when there is no cgroup at all.
[[nodiscard]] absl::StatusOr<Layout> ParseLayout(absl::string_view mountinfo);

// ParseLayout of this process's /proc/self/mountinfo.
[[nodiscard]] absl::StatusOr<Layout> DetectLayout();

}  // namespace crisp::runtime::cgroups
