// PodNetwork over CNI: the default network of the config dir (looked up at
// every attach, so a config written after crispd started is used, as
// kubelet expects), pod metadata as CNI_ARGS and host ports as the
// portMappings capability. Detach needs no config in the dir: without one
// it undoes what the CNI result cache says ADD did.
#pragma once

#include <string>
#include <vector>

#include "cni/network.h"
#include "sandbox/pod_network.h"

namespace crisp::sandbox {

class CniPodNetwork : public PodNetwork {
 public:
  // Made once, at crispd start-up: it removes the CNI cache's temp files
  // that a crash mid-write left behind.
  CniPodNetwork(std::string conf_dir, cni::NetworkOptions options);

  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Attach(
      const NetworkAttachment& attachment) override;
  [[nodiscard]] absl::Status Detach(
      const NetworkAttachment& attachment) override;

 private:
  absl::StatusOr<cni::Network> DefaultNetwork() const;
  absl::Status DetachCached(const cni::Attachment& attachment,
                            const absl::Status& no_default) const;

  std::string conf_dir_;
  cni::NetworkOptions options_;
};

// The CNI attachment of a pod (exposed for tests).
cni::Attachment ToCniAttachment(const NetworkAttachment& attachment);

// Whether pods can be attached: the default network of `conf_dir` loads and
// every plugin it names is installed in one of `bin_dirs`. The message says
// which config or plugin is missing (Status's NetworkReady condition).
[[nodiscard]] absl::Status CniNetworkReady(
    const std::string& conf_dir, const std::vector<std::string>& bin_dirs);

}  // namespace crisp::sandbox
