// The image's /etc/passwd and /etc/group: parsed, and read from the rootfs
// without ever following a symlink out of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::server::specgen {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

// Lines that do not parse (comments, NIS "+" entries, bad numbers) are
// skipped, as libc's getpwent does.
std::vector<PasswdEntry> ParsePasswd(absl::string_view text);
std::vector<GroupEntry> ParseGroup(absl::string_view text);

// The rootfs's /etc/passwd and /etc/group; a missing file is empty.
struct EtcFiles {
  std::vector<PasswdEntry> passwd;
  std::vector<GroupEntry> group;
  bool has_passwd = false;
  bool has_group = false;

  const PasswdEntry* UserByName(absl::string_view name) const;
  const PasswdEntry* UserById(uint32_t uid) const;
  std::optional<uint32_t> GroupId(absl::string_view name) const;
};

// Opens each file with openat2(RESOLVE_IN_ROOT): an absolute or ../ symlink
// in the image resolves inside the rootfs, never on the host. Only regular
// files are read (a FIFO or device there would block or leak host data).
[[nodiscard]] absl::StatusOr<EtcFiles> ReadEtcFiles(const std::string& rootfs);

}  // namespace crisp::server::specgen
