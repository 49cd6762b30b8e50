// crisp-runtime delete [--force] <id>: removes a stopped (or, forced, a
// running) container: processes, cgroup and state dir.
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {

absl::Status Delete(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  absl::Status st = runtime::Delete(dir, args.Has("force"));
  // runc and crun succeed on a missing container with --force.
  if (absl::IsNotFound(st) && args.Has("force")) return absl::OkStatus();
  return st;
}

}  // namespace crisp::runtime::cli
