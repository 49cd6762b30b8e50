// File operations confined to a root directory: every path is resolved
// with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so "..", absolute
// paths and symlinks (absolute or relative) are all resolved as if the
// root were "/" — nothing a layer contains can reach outside its snapshot.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/unique_fd.h"

namespace crisp::image {

// A tar path made relative and split: "/a/./b//c" → {"a", "b", "c"}.
// ".." stays (resolution clamps it at the root).
std::vector<std::string> SplitEntryPath(absl::string_view path);

class ConfinedRoot {
 public:
  [[nodiscard]] static absl::StatusOr<ConfinedRoot> Open(
      const std::string& dir);

  // Opens the directory `components` (resolved in the root), creating the
  // missing ones with mode 0755. An O_PATH descriptor.
  [[nodiscard]] absl::StatusOr<UniqueFd> OpenDir(
      const std::vector<std::string>& components, bool create);

  // openat2 of `components` in the root with `flags`.
  [[nodiscard]] absl::StatusOr<UniqueFd> Resolve(
      const std::vector<std::string>& components, int flags);

  int fd() const { return fd_.get(); }
  const std::string& dir() const { return dir_; }

 private:
  ConfinedRoot(UniqueFd fd, std::string dir)
      : fd_(std::move(fd)), dir_(std::move(dir)) {}
  UniqueFd fd_;
  std::string dir_;
};

}  // namespace crisp::image
