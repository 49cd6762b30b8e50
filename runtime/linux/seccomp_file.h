// A compiled seccomp program kept beside the bundle
// (BundleLayout::SeccompProgram()),
// so a profile is compiled once, not once per container and per exec:
// crispd compiles each distinct profile once (in-process cache) and writes
// it into every bundle; crisp-monitor and crisp-runtime exec load it when
// its hash matches the profile in config.json, and compile otherwise.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/linux/seccomp.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::seccomp {

// Written atomically; the header names the profile's hash and the flags.
[[nodiscard]] absl::Status WriteProgram(const std::string& path,
                                        const Program& program);

// The program in `path` if it was compiled from this very profile, else
// Compile(profile), then written to `path` (best effort) for the next
// caller.
[[nodiscard]] absl::StatusOr<std::shared_ptr<const Program>> CompileOrLoad(
    const oci::Seccomp& profile, const std::string& path);

}  // namespace crisp::runtime::seccomp
