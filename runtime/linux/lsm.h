// AppArmor profile and SELinux label of the container process: checked in
// the parent (a clear error where the LSM is asked for and missing) and
// applied in the child for the next execve.
#pragma once

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::lsm {

[[nodiscard]] absl::Status CheckAvailable(const oci::Process& process);
[[nodiscard]] absl::Status ApplyOnExec(const oci::Process& process);

}  // namespace crisp::runtime::lsm
