#include "server/specgen/mounts.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

size_t Depth(const std::string& path) {
  return std::count(path.begin(), path.end(), '/');
}

// What the config mounts itself shadows a default at the same place.
bool Shadowed(const std::string& dest, const std::set<std::string>& own) {
  std::string d = CleanPath(dest);
  if (own.count(d)) return true;
  return own.count("/dev") && absl::StartsWith(d, "/dev/");
}

bool HostIpc(const ContainerSpecInput& in) {
  const auto& ns = in.config->linux().security_context().namespace_options();
  return in.pod->spec.host_ipc || ns.ipc() == v1::NODE;
}

}  // namespace

std::string CleanPath(const std::string& path) {
  std::vector<std::string> parts;
  for (absl::string_view p : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(p);
  }
  return "/" + absl::StrJoin(parts, "/");
}

absl::StatusOr<MountPlan> BuildMounts(const ContainerSpecInput& in) {
  const auto& sc = in.config->linux().security_context();
  MountPlan plan;
  std::set<std::string> own;
  std::vector<runtime::oci::Mount> binds;
  for (int i = 0; i < in.config->mounts_size(); ++i) {
    ASSIGN_OR_RETURN(runtime::oci::Mount m, BindMount(in.config->mounts(i), i,
                                                      plan.rootfs_propagation));
    own.insert(CleanPath(m.destination));
    binds.push_back(std::move(m));
  }
  for (auto& m : KernelMounts(sc.privileged())) {
    if (!Shadowed(m.destination, own)) plan.mounts.push_back(std::move(m));
  }
  for (auto& m : PodMounts(*in.pod, sc.readonly_rootfs(), HostIpc(in))) {
    if (!Shadowed(m.destination, own)) binds.push_back(std::move(m));
  }
  // Parents before children, otherwise /a would hide /a/b mounted first.
  std::stable_sort(binds.begin(), binds.end(),
                   [](const auto& a, const auto& b) {
                     return Depth(CleanPath(a.destination)) <
                            Depth(CleanPath(b.destination));
                   });
  for (auto& m : binds) plan.mounts.push_back(std::move(m));
  return plan;
}

}  // namespace crisp::server::specgen
