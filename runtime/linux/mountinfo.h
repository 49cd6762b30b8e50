// /proc/self/mountinfo as structs, and the mount a path lives on. Pure
// functions over the text, so they are unit-tested without mounting.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crisp::runtime::mountinfo {

struct Entry {
  int id = 0;
  int parent = 0;
  std::string root;         // the subtree of the file system mounted here
  std::string mount_point;  // unescaped (mountinfo writes ' ' as \040)
  std::vector<std::string> optional;  // "shared:N", "master:N", ...
  std::string fstype;
  std::string source;
  std::string super_options;

  bool Shared() const;
};

// Lines that do not parse are skipped: the kernel's format is fixed, and a
// mount point this code cannot read is not one it was asked about.
std::vector<Entry> Parse(absl::string_view text);

// The mount that holds `path` (absolute, without symlinks): the one whose
// mount point is the longest whole-component prefix of it; of mounts
// stacked on one point, the last (topmost). Null if none does.
const Entry* MountOf(const std::vector<Entry>& mounts, absl::string_view path);

}  // namespace crisp::runtime::mountinfo
