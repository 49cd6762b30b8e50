#include "runtime/cgroups/layout.h"

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/files.h"
#include "runtime/linux/mountinfo.h"

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

absl::StatusOr<Layout> ParseLayout(absl::string_view text) {
  Layout layout;
  for (const mountinfo::Entry& m : mountinfo::Parse(text)) {
    if (m.fstype == "cgroup2") {
      layout.unified_mount = m.mount_point;
    } else if (m.fstype == "cgroup") {
      for (absl::string_view opt : absl::StrSplit(m.super_options, ',')) {
        if (opt == "rw" || opt == "ro" || opt.rfind("name=", 0) == 0) continue;
        layout.v1_mounts.emplace(std::string(opt), m.mount_point);
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
