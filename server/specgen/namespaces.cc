#include "server/specgen/namespaces.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

namespace v1 = ::runtime::v1;

void JoinIfPinned(const std::string& type, const std::string& path,
                  std::vector<runtime::oci::Namespace>& out) {
  if (!path.empty()) out.push_back({type, path});
}

absl::Status AddPid(const ContainerSpecInput& in,
                    std::vector<runtime::oci::Namespace>& out) {
  const auto& ns = in.config->linux().security_context().namespace_options();
  if (!in.pid_namespace.empty()) {
    out.push_back({"pid", in.pid_namespace});
    return absl::OkStatus();
  }
  if (in.pod->spec.host_pid || ns.pid() == v1::NODE) return absl::OkStatus();
  if (ns.pid() == v1::POD && !in.pod->namespaces.pid.empty()) {
    out.push_back({"pid", in.pod->namespaces.pid});  // pinned by the infra
    return absl::OkStatus();
  }
  if (ns.pid() == v1::TARGET) {
    return absl::InvalidArgumentError(
        absl::StrCat("namespace_options.pid TARGET \"", ns.target_id(),
                     "\": the target container's PID namespace was not given"));
  }
  // CONTAINER, and POD in a pod that keeps no shared one, get their own.
  out.push_back({"pid", ""});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<runtime::oci::Namespace>> BuildNamespaces(
    const ContainerSpecInput& in) {
  std::vector<runtime::oci::Namespace> out;
  const sandbox::PinnedNamespaces& pinned = in.pod->namespaces;
  JoinIfPinned("network", pinned.net, out);
  JoinIfPinned("ipc", pinned.ipc, out);
  JoinIfPinned("uts", pinned.uts, out);
  out.push_back({"mount", ""});
  RETURN_IF_ERROR(AddPid(in, out));
  if (!in.config->linux().security_context().privileged()) {
    out.push_back({"cgroup", ""});
  }
  return out;
}

std::string PodHostname(const sandbox::Pod& pod) {
  if (!pod.spec.hostname.empty()) return pod.spec.hostname;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace crisp::server::specgen
