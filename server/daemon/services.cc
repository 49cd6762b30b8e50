#include "server/daemon/services.h"

#include <unistd.h>

#include "common/status.h"

namespace crisp::server {
namespace {

// A helper executable: in runtime.helper_dir, else beside crispd.
std::string HelperPath(const Config& config, const char* name) {
  std::string dir = config.runtime.helper_dir;
  if (dir.empty()) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    dir = n > 0 ? std::string(self, n) : "/usr/local/bin/crispd";
    dir = dir.substr(0, dir.rfind('/'));
  }
  return dir + "/" + name;
}

containers::ContainerManagerOptions ContainerOptions(const Config& config) {
  return {config.state + "/containers", config.root + "/containers",
          HelperPath(config, "crisp-monitor"),
          HelperPath(config, "crisp-runtime")};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Services>> Services::Make(const Config& config,
                                                         store::Database* db) {
  auto s = std::make_unique<Services>();
  s->health = std::make_unique<LiveNodeHealth>(config);
  s->network = std::make_unique<sandbox::CniPodNetwork>(
      config.cni.conf_dir,
      cni::NetworkOptions{
          config.cni.bin_dirs, config.root + "/cni/results", {}});
  ASSIGN_OR_RETURN(s->containers, containers::ContainerManager::Open(
                                      ContainerOptions(config), db));
  sandbox::PodManagerOptions pod_options =
      PodManagerOptionsFrom(config, s->network.get());
  pod_options.pause_path = HelperPath(config, "crisp-pause");
  ASSIGN_OR_RETURN(s->pods, sandbox::PodManager::Open(pod_options, db));
  containers::ContainerManager* c = s->containers.get();
  s->pods->stop_containers = [c](const std::string& pod) {
    return c->StopAllInPod(pod);
  };
  s->pods->remove_containers = [c](const std::string& pod) {
    return c->RemoveAllInPod(pod);
  };
  image::ImageManagerOptions image_options = ImageManagerOptionsFrom(config);
  image_options.in_use = [c] { return c->SnapshotsInUse(); };
  ASSIGN_OR_RETURN(s->images, image::ImageManager::Open(image_options, db));
  s->runtime_service = std::make_unique<RuntimeService>(RuntimeServiceDeps{
      &config, s->health.get(), s->pods.get(), c, s->images.get()});
  s->image_service = std::make_unique<ImageService>(
      ImageServiceDeps{&config, s->images.get()});
  return s;
}

}  // namespace crisp::server
