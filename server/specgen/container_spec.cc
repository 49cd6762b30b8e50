// The recipe: each step is one file of this folder.
#include "server/specgen/container_spec.h"

#include <csignal>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/oci/validate.h"
#include "server/specgen/capabilities.h"
#include "server/specgen/devices.h"
#include "server/specgen/mounts.h"
#include "server/specgen/namespaces.h"
#include "server/specgen/process.h"
#include "server/specgen/request_checks.h"
#include "server/specgen/resources.h"
#include "server/specgen/seccomp.h"
#include "server/specgen/security.h"
#include "server/specgen/signal.h"
#include "server/specgen/user.h"

namespace crisp::server::specgen {
namespace {

namespace oci = ::crisp::runtime::oci;

absl::Status CheckInput(const ContainerSpecInput& in) {
  if (in.config == nullptr || in.pod == nullptr || in.image_config == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("container ", in.container_id,
                     ": config, pod and image config are required"));
  }
  if (in.container_id.empty()) {
    return absl::InvalidArgumentError("container id is empty");
  }
  if (in.rootfs.empty() || in.rootfs[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("container ", in.container_id, ": rootfs \"", in.rootfs,
                     "\" must be an absolute path"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int>> OomScoreAdj(
    const v1::LinuxContainerConfig& linux) {
  if (!linux.has_resources()) return std::optional<int>();
  int64_t adj = linux.resources().oom_score_adj();
  if (adj < -1000 || adj > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resources.oom_score_adj ", adj, ": must be within -1000..1000"));
  }
  return std::optional<int>(static_cast<int>(adj));
}

absl::StatusOr<oci::Process> BuildProcess(const ContainerSpecInput& in,
                                          const image::ImageConfig& image) {
  const auto& sc = in.config->linux().security_context();
  oci::Process p;
  ASSIGN_OR_RETURN(p.args, ProcessArgs(*in.config, image));
  p.env = ProcessEnv(*in.config, image, PodHostname(*in.pod));
  ASSIGN_OR_RETURN(p.cwd, ProcessCwd(*in.config, image));
  p.terminal = in.config->tty();
  ASSIGN_OR_RETURN(p.user, ResolveUser(sc, image.user, in.rootfs));
  ASSIGN_OR_RETURN(p.capabilities, BuildCapabilities(sc, p.user.uid));
  p.no_new_privileges = sc.no_new_privs();
  ASSIGN_OR_RETURN(p.apparmor_profile, AppArmorProfile(sc, in.apparmor));
  ASSIGN_OR_RETURN(p.oom_score_adj, OomScoreAdj(in.config->linux()));
  return p;
}

absl::StatusOr<oci::Linux> BuildLinux(
    const ContainerSpecInput& in, const std::vector<std::string>& bounding) {
  const auto& sc = in.config->linux().security_context();
  oci::Linux linux;
  ASSIGN_OR_RETURN(linux.namespaces, BuildNamespaces(in));
  ASSIGN_OR_RETURN(linux.cgroups_path,
                   ContainerCgroupsPath(*in.pod, in.container_id));
  RETURN_IF_ERROR(CheckResources(in.config->linux().resources()));
  oci::Resources resources;
  ApplyResources(in.config->linux().resources(), resources);
  ASSIGN_OR_RETURN(DevicePlan devices, BuildDevices(*in.config));
  linux.devices = std::move(devices.devices);
  resources.devices = std::move(devices.rules);
  linux.resources = std::move(resources);
  ApplyMaskedPaths(sc, linux);
  ASSIGN_OR_RETURN(linux.seccomp, BuildSeccomp(sc, bounding));
  return linux;
}

// The config's own annotations, then the CRI ones, which win: tools read
// them to find the pod and image of a container.
std::map<std::string, std::string> Annotations(const ContainerSpecInput& in) {
  std::map<std::string, std::string> a(in.config->annotations().begin(),
                                       in.config->annotations().end());
  const sandbox::PodMetadata& pod = in.pod->spec.metadata;
  a["io.kubernetes.cri.container-type"] = "container";
  a["io.kubernetes.cri.container-name"] = in.config->metadata().name();
  a["io.kubernetes.cri.sandbox-id"] = in.pod->id;
  a["io.kubernetes.cri.image-name"] = in.image_ref;
  a["io.kubernetes.cri.sandbox-name"] = pod.name;
  a["io.kubernetes.cri.sandbox-namespace"] = pod.namespace_;
  a["io.kubernetes.cri.sandbox-uid"] = pod.uid;
  return a;
}

}  // namespace

absl::StatusOr<oci::Spec> BuildContainerSpec(const ContainerSpecInput& in) {
  RETURN_IF_ERROR(CheckInput(in));
  oci::Spec spec;
  spec.root = oci::Root{
      in.rootfs, in.config->linux().security_context().readonly_rootfs()};
  ASSIGN_OR_RETURN(spec.process, BuildProcess(in, *in.image_config));
  ASSIGN_OR_RETURN(spec.linux,
                   BuildLinux(in, spec.process->capabilities->bounding));
  ASSIGN_OR_RETURN(MountPlan mounts, BuildMounts(in));
  spec.mounts = std::move(mounts.mounts);
  spec.linux->rootfs_propagation = mounts.rootfs_propagation;
  // The pinned UTS namespace already carries the name; setting it again
  // keeps the spec self-describing for crisp-runtime and external runtimes.
  if (!in.pod->namespaces.uts.empty()) spec.hostname = in.pod->spec.hostname;
  spec.annotations = Annotations(in);
  absl::Status valid = oci::Validate(spec);
  if (!valid.ok()) {
    return Annotate(valid, absl::StrCat("container ", in.container_id));
  }
  return spec;
}

absl::StatusOr<std::string> ContainerCgroupsPath(
    const sandbox::Pod& pod, const std::string& container_id) {
  // Checked again here: a pod recorded before the check came in.
  RETURN_IF_ERROR(CheckCgroupParent(pod.spec.cgroup_parent));
  std::string parent = pod.spec.cgroup_parent;
  while (!parent.empty() && parent.back() == '/') parent.pop_back();
  if (parent.empty()) return absl::StrCat("/crisp/", container_id);
  if (parent[0] != '/') parent.insert(0, "/");
  return absl::StrCat(parent, "/crisp-", container_id);
}

absl::StatusOr<int> StopSignal(const image::ImageConfig& image) {
  if (image.stop_signal.empty()) return SIGTERM;
  auto n = SignalNumber(image.stop_signal);
  if (!n.ok()) return Annotate(n.status(), "image config: StopSignal");
  return n;
}

}  // namespace crisp::server::specgen
