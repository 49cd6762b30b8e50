#include "server/health/node_health.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "runtime/cgroups/layout.h"
#include "sandbox/cni_pod_network.h"

namespace crisp::server {

Condition LiveNodeHealth::RuntimeReady() {
  auto layout = runtime::cgroups::DetectLayout();
  if (!layout.ok()) {
    return {false, "CgroupsUnavailable",
            std::string(layout.status().message())};
  }
  if (::access(config_.state.c_str(), W_OK) != 0) {
    return {
        false, "StateDirUnwritable",
        absl::StrCat("state directory ", config_.state, " is not writable")};
  }
  return {true, "", ""};
}

Condition LiveNodeHealth::NetworkReady() {
  absl::Status ready =
      sandbox::CniNetworkReady(config_.cni.conf_dir, config_.cni.bin_dirs);
  if (!ready.ok()) {
    return {false, "NetworkPluginNotReady", std::string(ready.message())};
  }
  return {true, "", ""};
}

}  // namespace crisp::server
