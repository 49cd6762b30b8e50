// CNI network configuration discovery: the pod network is the first valid
// *.conf, *.conflist or *.json file in lexical order in the config dir, as
// libcni's ConfFiles + kubelet's choice do.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace crisp::cni {

struct NetworkConfig {
  std::string path;         // file it came from
  std::string name;         // network name
  std::string cni_version;  // of the list
  nlohmann::json list;      // normalised to conflist form {"plugins": [...]}
  std::vector<std::string> plugin_types;
};

// Parses one config file's text. A single-plugin .conf becomes a one-entry
// list. Errors are InvalidArgument naming `path` and the field.
[[nodiscard]] absl::StatusOr<NetworkConfig> ParseNetworkConfig(
    const std::string& path, const std::string& text);

// The default network in `conf_dir`; NotFound (with the reason) when there
// is none, so callers can report NetworkReady=false with that message.
[[nodiscard]] absl::StatusOr<NetworkConfig> FindDefaultNetwork(
    const std::string& conf_dir);

// Path of the plugin executable `type` in the first of `bin_dirs` that has
// it; NotFound naming the directories searched.
[[nodiscard]] absl::StatusOr<std::string> FindPlugin(
    const std::string& type, const std::vector<std::string>& bin_dirs);

}  // namespace crisp::cni
