// The child side of a create: everything that happens between clone and
// execve, in the order of container_child.cc's recipe.
#pragma once

#include <memory>
#include <string>

#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/capabilities.h"
#include "runtime/linux/seccomp.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime {

struct ChildPlan {
  const oci::Spec* spec = nullptr;
  std::string id, bundle;  // for the state hooks read
  std::optional<capabilities::CapSets> caps;
  std::shared_ptr<const seccomp::Program> seccomp;
  int sync_fd = -1;  // SOCK_SEQPACKET to the parent
  int fifo_fd = -1;  // O_PATH exec fifo, or -1 to exec at once
  // With a fifo: look the executable up after Start (InitRequest).
  bool lookup_after_start = false;
  int stdio[3] = {0, 1, 2};
  bool exec_only = false;
  // The child joins its cgroup itself (cgroup.h AddSelf), first thing.
  const cgroups::Cgroup* cgroup = nullptr;
  bool joined_unified = false;  // by clone3(CLONE_INTO_CGROUP)  // exec into a
                                // running container: no rootfs work
};

// Runs the recipe and execs; on failure reports the step to the parent and
// _exits(1). Never returns.
[[noreturn]] void RunChild(const ChildPlan& plan);

// The process part shared by create and exec: rlimits, LSM, capabilities,
// user, no_new_privs, cwd, fds, seccomp, execve. `ready` runs right before
// seccomp (create: report ready and wait at the fifo, reopened through
// `own_fds`, the host procfs's /proc/<pid>/fd of this process, or -1).
[[nodiscard]] absl::Status FinalizeProcess(const ChildPlan& plan,
                                           const oci::Process& process,
                                           int own_fds = -1);

}  // namespace crisp::runtime
