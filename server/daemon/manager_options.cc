#include "server/daemon/manager_options.h"

namespace crisp::server {

sandbox::PodManagerOptions PodManagerOptionsFrom(const Config& config,
                                                 sandbox::PodNetwork* network) {
  sandbox::PodManagerOptions o;
  o.pods_dir = config.state + "/pods";
  o.ns_dir = config.state + "/ns";
  o.network = network;
  return o;
}

image::ImageManagerOptions ImageManagerOptionsFrom(const Config& config) {
  image::ImageManagerOptions o;
  o.root = config.root;
  o.max_concurrent_downloads = config.image.max_concurrent_downloads;
  o.pinned_image = config.image.sandbox_image;
  o.registry.timeouts.stall_seconds = config.image.stall_timeout_seconds;
  o.registry.timeouts.low_speed_bytes = config.image.low_speed_bytes_per_second;
  o.registry.timeouts.low_speed_seconds = config.image.low_speed_time_seconds;
  o.limits.max_bytes = config.image.max_layer_bytes;
  o.limits.max_entries = config.image.max_layer_entries;
  o.limits.max_directories = config.image.max_layer_directories;
  for (const auto& [host, r] : config.registries) {
    o.registry.hosts[host] = {r.mirrors, r.plain_http, r.insecure_skip_verify,
                              r.ca_file, r.cert_file,  r.key_file};
  }
  return o;
}

}  // namespace crisp::server
