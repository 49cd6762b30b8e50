// crispd's exec and attach for the streaming server: exec runs
// `crisp-runtime exec` (the binary at runtime_path), attach joins the
// container's crisp-monitor attach socket.
#pragma once

#include <string>

#include "streaming/requests.h"

namespace crisp::server::stream_backends {

void SetCommandBackends(const std::string& runtime_path,
                        streaming::Backends& backends);

}  // namespace crisp::server::stream_backends
