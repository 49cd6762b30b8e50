// OCI hooks: each hook is run with the container's state JSON on stdin,
// its args, env and timeout; a failure names the hook. Where they run:
// prestart + createRuntime in the runtime's namespaces once the init exists
// (before it sets up its rootfs), createContainer in the container's
// namespaces before pivot_root, startContainer in the container right
// before the user process, poststart after start, poststop after delete.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::hooks {

// `kind` names the list in errors ("createRuntime").
[[nodiscard]] absl::Status Run(const std::vector<oci::Hook>& hooks,
                               const std::string& state_json, const char* kind);

// The state a hook reads on stdin.
std::string StateJson(const std::string& id, const std::string& status,
                      pid_t pid, const std::string& bundle,
                      const std::map<std::string, std::string>& annotations);

}  // namespace crisp::runtime::hooks
