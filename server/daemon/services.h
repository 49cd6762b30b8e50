// Everything crispd serves, built in dependency order: the CNI network,
// containers (first, so that image garbage collection at start-up sees
// which layers they hold), pods (whose Stop and Remove reach their
// containers), images, the exec/attach/port-forward streaming server, and
// the two gRPC services over them.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/event_hub.h"
#include "common/store/database.h"
#include "common/unique_fd.h"
#include "containers/container_manager.h"
#include "image/image_manager.h"
#include "sandbox/cni_pod_network.h"
#include "sandbox/pod_manager.h"
#include "server/config/config.h"
#include "server/daemon/apparmor_setup.h"
#include "server/daemon/runtime_features.h"
#include "server/health/node_health.h"
#include "server/image_service/image_service.h"
#include "server/runtime_service/runtime_service.h"
#include "streaming/streaming_server.h"

namespace crisp::server {

// Sealed in-memory copies of crisp-runtime, crisp-monitor and crisp-pause,
// open for crispd's lifetime; children execute them by SealedExecPath.
struct SealedHelpers {
  UniqueFd runtime, monitor, pause;
};

struct Services {
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Services>> Make(
      const Config& config, store::Database* db);

  // First: the lifecycles publish into it until they are gone.
  std::unique_ptr<events::Hub> events = std::make_unique<events::Hub>();
  SealedHelpers helpers;
  specgen::AppArmorState apparmor;
  specgen::NodeFeatures features;  // measured by crisp-runtime at start-up
  std::unique_ptr<LiveNodeHealth> health;
  std::unique_ptr<sandbox::CniPodNetwork> network;
  std::unique_ptr<containers::ContainerManager> containers;
  std::unique_ptr<sandbox::PodManager> pods;
  std::unique_ptr<image::ImageManager> images;
  // Before the services that hand out its URLs, so it outlives them.
  std::unique_ptr<streaming::StreamingServer> streaming;
  std::unique_ptr<RuntimeService> runtime_service;
  std::unique_ptr<ImageService> image_service;
};

}  // namespace crisp::server
