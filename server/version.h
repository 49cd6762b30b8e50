// Name and version compiled into crispd.
#pragma once

namespace crisp::server {

inline constexpr char kRuntimeName[] = "crisp";
// Defined in version_string.cc, the only file that sees the git-describe
// string, so a new commit recompiles one file instead of the whole server.
extern const char kRuntimeVersion[];

}  // namespace crisp::server
