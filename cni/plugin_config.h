// The config one plugin of a list gets on stdin, as libcni's
// buildOneConfig + injectRuntimeConfig make it.
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace crisp::cni {

struct ListContext {
  std::string name;         // of the list: every plugin gets it
  std::string cni_version;  // of the list: every plugin gets it
  // The runtime's capability arguments (portMappings, bandwidth, ipRanges,
  // dns, ...), an object.
  nlohmann::json runtime_config = nlohmann::json::object();
};

// `plugin` (one entry of the list's "plugins") with "name" and
// "cniVersion" of the list, "prevResult" when `prev_result` is not null,
// and "runtimeConfig" holding only the runtime config keys the plugin
// declares with value true in its "capabilities" (replacing any
// "runtimeConfig" of its own only when there is at least one).
nlohmann::json BuildPluginConfig(const nlohmann::json& plugin,
                                 const ListContext& list,
                                 const nlohmann::json& prev_result);

// `json` serialised, with invalid UTF-8 in strings replaced by U+FFFD:
// the runtime config and CNI_ARGS come from callers, and a plain dump()
// would throw on them.
std::string DumpJson(const nlohmann::json& json);

}  // namespace crisp::cni
