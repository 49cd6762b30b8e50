#include "server/image_service/image_service.h"

namespace crisp::server {

image::ImageManagerOptions ImageManagerOptionsFrom(const Config& config) {
  image::ImageManagerOptions o;
  o.root = config.root;
  o.max_concurrent_downloads = config.image.max_concurrent_downloads;
  o.pinned_image = config.image.sandbox_image;
  o.registry.timeouts.stall_seconds = config.image.stall_timeout_seconds;
  for (const auto& [host, r] : config.registries) {
    o.registry.hosts[host] = {r.mirrors, r.plain_http, r.insecure_skip_verify,
                              r.ca_file, r.cert_file,  r.key_file};
  }
  return o;
}

}  // namespace crisp::server
