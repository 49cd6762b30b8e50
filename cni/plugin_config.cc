#include "cni/plugin_config.h"

namespace crisp::cni {
namespace {

// A plugin learns only the arguments it asked for: passing, say,
// portMappings to a plugin that does not know them may make it fail.
nlohmann::json FilterByCapabilities(const nlohmann::json& plugin,
                                    const nlohmann::json& runtime_config) {
  nlohmann::json out = nlohmann::json::object();
  auto caps = plugin.find("capabilities");
  if (caps == plugin.end() || !caps->is_object() ||
      !runtime_config.is_object()) {
    return out;
  }
  for (const auto& [capability, enabled] : caps->items()) {
    auto arg = runtime_config.find(capability);
    if (enabled == true && arg != runtime_config.end()) out[capability] = *arg;
  }
  return out;
}

}  // namespace

nlohmann::json BuildPluginConfig(const nlohmann::json& plugin,
                                 const ListContext& list,
                                 const nlohmann::json& prev_result) {
  nlohmann::json config = plugin;
  config["name"] = list.name;
  config["cniVersion"] = list.cni_version;
  if (!prev_result.is_null()) config["prevResult"] = prev_result;
  nlohmann::json runtime = FilterByCapabilities(plugin, list.runtime_config);
  if (!runtime.empty()) config["runtimeConfig"] = std::move(runtime);
  return config;
}

std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace crisp::cni
