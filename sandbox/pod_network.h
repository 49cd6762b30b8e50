// What a pod needs of the network, as an interface: crispd plugs in CNI
// (cni_pod_network.h); tests plug in fakes that fail on demand.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

struct NetworkAttachment {
  std::string pod_id;
  std::string netns;  // pinned network namespace file
  PodMetadata metadata;
  std::vector<PortMapping> port_mappings;
};

class PodNetwork {
 public:
  virtual ~PodNetwork() = default;
  // Wires the pod's namespace; returns its IPs, the primary first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> Attach(
      const NetworkAttachment& attachment) = 0;
  // Undoes Attach; repeating it, or detaching what was never attached,
  // is not an error.
  [[nodiscard]] virtual absl::Status Detach(
      const NetworkAttachment& attachment) = 0;
};

}  // namespace crisp::sandbox
