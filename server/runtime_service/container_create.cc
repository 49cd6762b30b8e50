// CreateContainer: the pod, the image (held by a lease until the container
// records its layers), the OCI spec from server/spec, and the container
// manager. The managers are reached through the interfaces of the deps
// only; their headers are included for the value types of a create
// (containers::NewContainer, sandbox::PodCreateAdmission).
#include "common/status.h"
#include "containers/container_manager.h"
#include "image/registry/reference.h"
#include "sandbox/pod_manager.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/specgen/container_spec.h"
#include "server/specgen/node_features.h"
#include "server/specgen/request_checks.h"

namespace crisp::server {
namespace {

absl::StatusOr<image::ImageRecord> FindImage(image::ImageCatalog& images,
                                             const std::string& ref) {
  auto image = images.Find(ref);
  if (!image.ok()) return image.status();
  if (!image->has_value()) {
    return absl::NotFoundError("image " + ref + " not found");
  }
  return **image;
}

// The log file is <pod log_directory>/<log_path>, made (with its
// directories) by crispd and the root monitor: it must stay inside.
absl::Status CheckLogLocation(const v1::ContainerConfig& config,
                              const sandbox::Pod& pod) {
  RETURN_IF_ERROR(specgen::CheckLogPath(config.log_path()));
  return specgen::CheckLogDirectory(pod.spec.log_directory);
}

// ContainerStatus.image_ref: the repo digest of the repository the image
// was asked by (containerd reports a repo digest too), else any, else the
// image id.
std::string DigestRef(const image::ImageRecord& image,
                      const std::string& asked) {
  auto ref = image::ParseReference(asked);
  if (ref.ok()) {
    for (const std::string& d : image.repo_digests) {
      if (d.rfind(ref->Name() + "@", 0) == 0) return d;
    }
  }
  return image.repo_digests.empty() ? image.id : image.repo_digests.front();
}

std::vector<std::string> ChainIds(const image::ImageRecord& image) {
  std::vector<std::string> ids;
  for (const auto& l : image.layers) ids.push_back(l.chain_id);
  return ids;
}

}  // namespace

absl::StatusOr<v1::CreateContainerResponse> RuntimeService::CreateContainerFor(
    const v1::CreateContainerRequest& req) {
  const v1::ContainerConfig& config = req.config();
  // Held until the container is saved: the pod's Stop waits for it (M5).
  ASSIGN_OR_RETURN(sandbox::PodCreateAdmission admission,
                   deps_.pods->AdmitCreate(req.pod_sandbox_id()));
  const sandbox::Pod& pod = admission.pod();
  RETURN_IF_ERROR(CheckLogLocation(config, pod));
  RETURN_IF_ERROR(specgen::CheckNodeSupports(
      config, deps_.features ? *deps_.features : specgen::NodeFeatures{}));
  ASSIGN_OR_RETURN(image::ImageRecord image,
                   FindImage(*deps_.images, config.image().image()));
  auto lease = deps_.images->leases().Acquire(ChainIds(image));
  ASSIGN_OR_RETURN(std::shared_ptr<const image::ImageConfig> image_config,
                   deps_.images->Config(image));
  containers::NewContainer create;
  create.container = ToContainerRecord(config, pod.id, pod.spec.log_directory);
  create.container.image_id = image.id;
  create.container.image_digest_ref = DigestRef(image, config.image().image());
  create.container.snapshot_keys = ChainIds(image);
  ASSIGN_OR_RETURN(create.container.stop_signal,
                   specgen::StopSignal(*image_config));
  create.lower_dirs = deps_.images->LowerDirs(image);
  create.build_spec = [&](const std::string& id, const std::string& rootfs) {
    return specgen::BuildContainerSpec({id, &config, &pod, image_config.get(),
                                        config.image().image(), rootfs,
                                        pod.namespaces.pid, deps_.apparmor});
  };
  create.pod_still_ready = [&] { return admission.StillReady(); };
  ASSIGN_OR_RETURN(containers::Container c, deps_.containers->Create(create));
  v1::CreateContainerResponse resp;
  resp.set_container_id(c.id);
  return resp;
}

grpc::Status RuntimeService::CreateContainer(
    grpc::ServerContext*, const v1::CreateContainerRequest* req,
    v1::CreateContainerResponse* resp) {
  return HandleRpc("CreateContainer", req->config().metadata().name(), resp,
                   [&] { return CreateContainerFor(*req); });
}

}  // namespace crisp::server
