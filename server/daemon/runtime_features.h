// What the node's runtime can do, measured once when crispd starts by
// running `crisp-runtime features` (as containerd runs `runc features`).
#pragma once

#include <string>

#include "server/specgen/node_features.h"

namespace crisp::server {

// Every feature off, with the reason, when the runtime fails or prints
// something that is not a features document: a feature is offered only
// when it was seen to work.
specgen::NodeFeatures MeasureNodeFeatures(const std::string& runtime_path);

}  // namespace crisp::server
