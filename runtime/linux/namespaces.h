// Namespaces of a container: which are created at clone, which are joined
// by path (user first, so that the others are entered with its
// capabilities), the uid/gid maps written by the parent, and the cgroup
// namespace unshared once the child sits in its cgroup.
#pragma once

#include <sys/types.h>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::namespaces {

// CLONE_NEW* of the namespaces to create at clone (the cgroup namespace is
// left out; a joined user namespace leaves only the pid one here).
uint64_t CloneFlags(const oci::Spec& spec);

// Parent, before clone: enters the pid namespace to join (children are born
// in it); returns an fd of the old one for RestorePid.
[[nodiscard]] absl::StatusOr<UniqueFd> EnterPid(const oci::Spec& spec);
[[nodiscard]] absl::Status RestorePid(const UniqueFd& saved);

[[nodiscard]] absl::Status WriteIdMappings(pid_t pid, const oci::Linux& l);

// Child: joins the namespaces given by path (not pid), then unshares what
// clone could not create (after a joined user ns) and the cgroup ns.
[[nodiscard]] absl::Status JoinAndUnshare(const oci::Spec& spec);

}  // namespace crisp::runtime::namespaces
