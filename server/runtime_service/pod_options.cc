#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

sandbox::PodManagerOptions PodManagerOptionsFrom(const Config& config,
                                                 sandbox::PodNetwork* network) {
  sandbox::PodManagerOptions o;
  o.pods_dir = config.state + "/pods";
  o.ns_dir = config.state + "/ns";
  o.network = network;
  return o;
}

}  // namespace crisp::server
