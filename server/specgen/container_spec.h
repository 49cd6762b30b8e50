// CRI CreateContainer request + pod + image config → OCI runtime spec.
// A pure translation (it reads only the image's /etc/passwd and /etc/group,
// the host paths it is asked to mount and the host devices it is asked to
// expose), built from the small steps in this folder, so every rule is
// tested without root. It follows containerd's CRI plugin; README.md here
// says where and why it departs.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "image/image_config.h"
#include "runtime/oci/spec.h"
#include "sandbox/pod.h"
#include "server/specgen/apparmor.h"

namespace crisp::server::specgen {

struct ContainerSpecInput {
  std::string container_id;
  const ::runtime::v1::ContainerConfig* config = nullptr;  // required
  const sandbox::Pod* pod = nullptr;                       // required
  // The image's config: Env, Entrypoint, Cmd, WorkingDir, User.
  const image::ImageConfig* image_config = nullptr;  // required
  std::string image_ref;  // the image name as asked, for annotations
  std::string rootfs;     // the mounted container rootfs (absolute path)
  // When the pod shares one PID namespace: the ns file to join ("" else).
  std::string pid_namespace;
  // What crispd found of AppArmor at start-up; null: not enabled.
  const AppArmorState* apparmor = nullptr;
};

// The whole spec, validated (runtime::oci::Validate). Bad input is
// InvalidArgument naming the field and the cause.
[[nodiscard]] absl::StatusOr<runtime::oci::Spec> BuildContainerSpec(
    const ContainerSpecInput& in);

// The cgroupfs path of a container: <pod cgroup_parent>/crisp-<id>, or
// /crisp/<id> without a parent. InvalidArgument for a parent with a ".."
// component.
[[nodiscard]] absl::StatusOr<std::string> ContainerCgroupsPath(
    const sandbox::Pod& pod, const std::string& container_id);

// The image's StopSignal as a number (SIGTERM when unset); InvalidArgument
// for an unknown name.
[[nodiscard]] absl::StatusOr<int> StopSignal(const image::ImageConfig& image);

}  // namespace crisp::server::specgen
