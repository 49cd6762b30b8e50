#include "server/daemon/services.h"

#include <unistd.h>

#include "common/sealed_binary.h"
#include "common/status.h"
#include "containers/monitor_runtime.h"
#include "server/daemon/manager_options.h"
#include "server/stream_backends/command_backends.h"

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

// Each helper is copied once into a sealed memfd and always executed from
// there (common/sealed_binary.h): a process inside a container never runs
// a host file that crispd would execute again.
absl::StatusOr<SealedHelpers> SealHelpers(const Config& config) {
  SealedHelpers h;
  ASSIGN_OR_RETURN(h.runtime, SealedCopy(HelperPath(config, "crisp-runtime"),
                                         "crisp-runtime"));
  ASSIGN_OR_RETURN(h.monitor, SealedCopy(HelperPath(config, "crisp-monitor"),
                                         "crisp-monitor"));
  ASSIGN_OR_RETURN(
      h.pause, SealedCopy(HelperPath(config, "crisp-pause"), "crisp-pause"));
  return h;
}

// The containers' writable layers (overlay upper and work dirs).
std::string ContainersRootDir(const Config& config) {
  return config.root + "/containers";
}

containers::ContainerManagerOptions ContainerOptions(
    const Config& config, const SealedHelpers& helpers, events::Hub* events) {
  return {.state_dir = config.state + "/containers",
          .root_dir = ContainersRootDir(config),
          .runtime = std::make_shared<containers::MonitorRuntime>(
              containers::MonitorRuntimeOptions{
                  .monitor_path = SealedExecPath(helpers.monitor.get()),
                  .runtime_path = SealedExecPath(helpers.runtime.get())}),
          .rootfs = std::make_shared<containers::OverlayRootfs>(),
          .events = events};
}

// How streaming sessions reach containers and pods, looked up when the
// client connects.
streaming::StreamingServerOptions StreamingOptions(
    const Config& config, const SealedHelpers& helpers,
    containers::ContainerManager* c, sandbox::PodManager* pods) {
  streaming::StreamingServerOptions o;
  o.address = config.streaming.address;
  o.port = config.streaming.port;
  stream_backends::SetCommandBackends(SealedExecPath(helpers.runtime.get()),
                                      o.backends);
  o.backends.container =
      [c](const std::string& id) -> absl::StatusOr<streaming::ContainerTarget> {
    ASSIGN_OR_RETURN(containers::Container found, c->Get(id));
    if (c->StatusOf(found).state != containers::ContainerState::kRunning) {
      return absl::FailedPreconditionError("container " + found.id +
                                           " is not running");
    }
    return streaming::ContainerTarget{found.dir, found.stdin_once};
  };
  o.backends.pod_netns =
      [pods](const std::string& id) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(sandbox::Pod pod, pods->Get(id));
    return pod.namespaces.net;
  };
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Services>> Services::Make(const Config& config,
                                                         store::Database* db) {
  auto s = std::make_unique<Services>();
  ASSIGN_OR_RETURN(s->helpers, SealHelpers(config));
  s->apparmor = SetUpAppArmor(HostAppArmor());
  s->features = MeasureNodeFeatures(SealedExecPath(s->helpers.runtime.get()));
  s->health = std::make_unique<LiveNodeHealth>(config);
  s->network = std::make_unique<sandbox::CniPodNetwork>(
      config.cni.conf_dir,
      cni::NetworkOptions{
          config.cni.bin_dirs, config.root + "/cni/results", {}});
  ASSIGN_OR_RETURN(
      s->containers,
      containers::ContainerManager::Open(
          ContainerOptions(config, s->helpers, s->events.get()), db));
  sandbox::PodManagerOptions pod_options =
      PodManagerOptionsFrom(config, s->network.get());
  pod_options.pause_path = SealedExecPath(s->helpers.pause.get());
  pod_options.events = s->events.get();
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
  ASSIGN_OR_RETURN(s->streaming,
                   streaming::StreamingServer::Start(
                       StreamingOptions(config, s->helpers, c, s->pods.get())));
  s->runtime_service = std::make_unique<RuntimeService>(RuntimeServiceDeps{
      &config, s->health.get(), s->pods.get(), c, s->images.get(),
      s->streaming.get(), &s->apparmor, &s->features, s->events.get()});
  s->image_service = std::make_unique<ImageService>(
      ImageServiceDeps{&config, s->images.get(), ContainersRootDir(config)});
  return s;
}

}  // namespace crisp::server
