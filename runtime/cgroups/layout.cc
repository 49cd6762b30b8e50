#include "runtime/cgroups/layout.h"
#include "absl/strings/string_view.h"

#include <vector>

#include "absl/strings/str_split.h"
#include "common/files.h"

namespace crisp::runtime::cgroups {

absl::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kLegacy:
      return "v1";
    case Mode::kHybrid:
      return "hybrid";
    case Mode::kUnified:
      return "v2";
  }
  return "unknown";
}

absl::StatusOr<Layout> ParseLayout(absl::string_view mountinfo) {
  Layout layout;
  for (absl::string_view line : absl::StrSplit(mountinfo, '\n')) {
    // mountinfo: id parent major:minor root mountpoint opts [optional...] -
    // fstype source superopts
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 5 || dash + 3 >= f.size()) continue;
    absl::string_view mountpoint = f[4], fstype = f[dash + 1];
    if (fstype == "cgroup2") {
      layout.unified_mount = std::string(mountpoint);
    } else if (fstype == "cgroup") {
      for (absl::string_view opt : absl::StrSplit(f[dash + 3], ',')) {
        if (opt == "rw" || opt == "ro" || opt.rfind("name=", 0) == 0) continue;
        layout.v1_mounts.emplace(std::string(opt), std::string(mountpoint));
      }
    }
  }
  if (layout.v1_mounts.empty() && layout.unified_mount.empty()) {
    return absl::InvalidArgumentError("no cgroup file system is mounted");
  }
  if (layout.v1_mounts.empty()) {
    layout.mode = Mode::kUnified;
  } else {
    layout.mode = layout.unified_mount.empty() ? Mode::kLegacy : Mode::kHybrid;
  }
  return layout;
}

absl::StatusOr<Layout> DetectLayout() {
  auto text = ReadFile("/proc/self/mountinfo");
  if (!text.ok()) return text.status();
  return ParseLayout(*text);
}

}  // namespace crisp::runtime::cgroups
