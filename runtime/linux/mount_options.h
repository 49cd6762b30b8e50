// Parsing of OCI mount options ("ro", "nosuid", "rbind", "rprivate",
// "mode=755", ...) into mount(2) flags and a data string (a pure function,
// unit-tested without root).
#pragma once

#include <string>
#include <vector>

namespace crisp::runtime::mounts {

struct MountOptions {
  unsigned long flags = 0;        // applied at mount / remount time
  unsigned long propagation = 0;  // MS_SHARED/SLAVE/PRIVATE/UNBINDABLE|MS_REC
  bool bind = false;
  bool recursive = false;     // rbind
  bool recursive_ro = false;  // "rro": mount_setattr(AT_RECURSIVE)
  bool tmpcopyup = false;     // accepted and ignored
  std::string data;           // fs-specific options, comma-joined
};

MountOptions ParseOptions(const std::vector<std::string>& options);

}  // namespace crisp::runtime::mounts
