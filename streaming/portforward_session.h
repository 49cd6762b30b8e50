// Port forwarding over an upgraded connection, as kubelet serves it: the
// client opens a pair of streams per forwarded connection ("error" and
// "data", matched by their requestID header, each naming the port); the
// server connects to 127.0.0.1:<port> inside the pod's network namespace
// and copies bytes both ways on the data stream, with half-closes; a
// failure is written as text on the error stream.
#pragma once

#include <string>

#include "streaming/spdy_connection.h"

namespace crisp::streaming {

struct PortForwardTarget {
  std::string pod_id;
  std::string netns;  // empty: the host's (a host-network pod)
};

void RunPortForwardSession(SpdyConnection& conn,
                           const PortForwardTarget& target);

}  // namespace crisp::streaming
