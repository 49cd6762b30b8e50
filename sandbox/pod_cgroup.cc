#include "sandbox/pod_cgroup.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/cgroups/cgroup.h"

namespace crisp::sandbox {
namespace {

// Whether the pod's cgroup is there: its memory controller directory on
// v1 and hybrid nodes (kubelet may make none in the unified hierarchy of a
// hybrid node), its one directory on v2.
bool Exists(const runtime::cgroups::Cgroup& cg) {
  const auto& dirs = cg.dirs();
  auto it = cg.unified() ? dirs.find("") : dirs.find("memory");
  return it != dirs.end() && access(it->second.c_str(), F_OK) == 0;
}

absl::StatusOr<runtime::cgroups::Cgroup> OpenExisting(
    const runtime::cgroups::Layout& layout, const Pod& pod) {
  std::string path = PodCgroupPath(pod.spec);
  if (path.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pod ", pod.id, " has no cgroup of its own (no cgroup_parent)"));
  }
  auto cg = runtime::cgroups::Cgroup::Open({layout, path, false});
  if (!Exists(cg)) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod ", pod.id, ": its cgroup ", path, " does not exist"));
  }
  return cg;
}

}  // namespace

std::string PodCgroupPath(const PodSpec& spec) {
  std::string path = spec.cgroup_parent;
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (!path.empty() && path[0] != '/') return absl::StrCat("/", path);
  return path;
}

absl::StatusOr<runtime::cgroups::Stats> ReadPodCgroupStats(
    const runtime::cgroups::Layout& layout, const Pod& pod) {
  auto cg = OpenExisting(layout, pod);
  if (!cg.ok()) return absl::NotFoundError(cg.status().message());
  return cg->ReadStats();
}

absl::Status UpdatePodCgroup(const runtime::cgroups::Layout& layout,
                             const Pod& pod,
                             const runtime::oci::Resources& resources) {
  ASSIGN_OR_RETURN(runtime::cgroups::Cgroup cg, OpenExisting(layout, pod));
  return Annotate(cg.Apply(resources), absl::StrCat("pod ", pod.id));
}

}  // namespace crisp::sandbox
