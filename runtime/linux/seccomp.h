// linux.seccomp compiled with libseccomp to a classic BPF program before the
// clone (and cached by content hash), then only loaded by the child, last,
// right before execve.
#pragma once

#include <linux/filter.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::seccomp {

struct Program {
  std::vector<struct sock_filter> filter;
  unsigned int flags = 0;  // SECCOMP_FILTER_FLAG_*
  std::string hash;        // of the profile's canonical JSON
};

// Compiles the profile; unknown syscall names and architectures are skipped
// with a warning, unknown actions, operators and flags are
// InvalidArgument. Results are cached in-process by content hash.
[[nodiscard]] absl::StatusOr<std::shared_ptr<const Program>> Compile(
    const oci::Seccomp& profile);

// The hash a compiled program carries: of the profile's canonical JSON.
std::string ProfileHash(const oci::Seccomp& profile);

// seccomp(SECCOMP_SET_MODE_FILTER, program.flags, program).
[[nodiscard]] absl::Status Load(const Program& program);

}  // namespace crisp::runtime::seccomp
