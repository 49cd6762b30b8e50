// Name and version compiled into crispd (CRISP_VERSION_STRING from CMake).
#pragma once

namespace crisp::server {

inline constexpr char kRuntimeName[] = "crisp";
inline constexpr char kRuntimeVersion[] = CRISP_VERSION_STRING;

}  // namespace crisp::server
