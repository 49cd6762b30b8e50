#include "server/health/node_health.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "cni/network_config.h"
#include "runtime/cgroups/layout.h"

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
  auto network = cni::FindDefaultNetwork(config_.cni.conf_dir);
  if (!network.ok()) {
    return {
        false, "NetworkPluginNotReady",
        absl::StrCat("cni config not loaded: ", network.status().message())};
  }
  for (const auto& type : network->plugin_types) {
    auto plugin = cni::FindPlugin(type, config_.cni.bin_dirs);
    if (!plugin.ok()) {
      return {false, "NetworkPluginNotReady",
              absl::StrCat("network ", network->name, " (", network->path,
                           "): ", plugin.status().message())};
    }
  }
  return {true, "", ""};
}

}  // namespace crisp::server
