// The managers' options from crispd's config: part of the wiring, the one
// place that knows the concrete managers (services.cc).
#pragma once

#include "image/image_manager.h"
#include "sandbox/pod_manager.h"
#include "sandbox/pod_network.h"
#include "server/config/config.h"

namespace crisp::server {

sandbox::PodManagerOptions PodManagerOptionsFrom(const Config& config,
                                                 sandbox::PodNetwork* network);
image::ImageManagerOptions ImageManagerOptionsFrom(const Config& config);

}  // namespace crisp::server
