#include "cni/network_config.h"
#include "absl/strings/string_view.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files.h"
#include "common/json.h"
#include "common/status.h"
#include "glog/logging.h"

namespace crisp::cni {
namespace {

using json::Json;

absl::Status Invalid(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("CNI config ", path, ": ", why));
}

bool IsConfigFileName(absl::string_view name) {
  return absl::EndsWith(name, ".conf") || absl::EndsWith(name, ".conflist") ||
         absl::EndsWith(name, ".json");
}

absl::StatusOr<std::vector<std::string>> ListConfigFiles(
    const std::string& dir) {
  auto names = ListDir(dir);
  if (!names.ok()) return Annotate(names.status(), "CNI config dir");
  std::vector<std::string> files;
  for (const auto& name : *names) {
    if (name[0] != '.' && IsConfigFileName(name)) {
      files.push_back(absl::StrCat(dir, "/", name));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// `obj[key]` as a string; "" when absent or null. A value of another type
// is an error, not an exception (audit M8: `"cniVersion": 1.0` threw out
// of FindDefaultNetwork and failed Status).
absl::StatusOr<std::string> StringMember(const std::string& path,
                                         const Json& obj, const char* key) {
  return json::StringOr(obj, key, "", absl::StrCat("CNI config ", path));
}

// A single-plugin .conf as a one-entry list, as libcni's ConfListFromConf
// does: the list takes the plugin's name and cniVersion, unchecked here.
Json AsList(const Json& plugin) {
  Json list = {{"plugins", Json::array({plugin})}};
  for (const char* key : {"name", "cniVersion"}) {
    auto it = plugin.find(key);
    if (it != plugin.end()) list[key] = *it;
  }
  return list;
}

absl::StatusOr<std::vector<std::string>> PluginTypes(const std::string& path,
                                                     const Json& plugins) {
  if (!plugins.is_array() || plugins.empty()) {
    return Invalid(path, "\"plugins\" must be a non-empty array");
  }
  std::vector<std::string> types;
  for (const auto& p : plugins) {
    auto type = p.is_object() ? p.find("type") : p.end();
    if (type == p.end() || !type->is_string()) {
      return Invalid(path, "every plugin needs a string \"type\"");
    }
    types.push_back(type->get<std::string>());
  }
  return types;
}

}  // namespace

absl::StatusOr<NetworkConfig> ParseNetworkConfig(const std::string& path,
                                                 const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Invalid(path, "not a JSON object");
  }
  if (!j.contains("plugins")) j = AsList(j);
  NetworkConfig c;
  c.path = path;
  ASSIGN_OR_RETURN(c.name, StringMember(path, j, "name"));
  if (c.name.empty()) return Invalid(path, "missing \"name\"");
  ASSIGN_OR_RETURN(c.cni_version, StringMember(path, j, "cniVersion"));
  ASSIGN_OR_RETURN(c.plugin_types, PluginTypes(path, j["plugins"]));
  c.list = std::move(j);
  return c;
}

absl::StatusOr<NetworkConfig> FindDefaultNetwork(const std::string& conf_dir) {
  ASSIGN_OR_RETURN(auto files, ListConfigFiles(conf_dir));
  std::vector<std::string> problems;
  for (const auto& f : files) {
    auto text = ReadFile(f);
    if (!text.ok()) {
      LOG(WARNING) << "skipping CNI config: " << text.status().message();
      problems.emplace_back(text.status().message());
      continue;
    }
    auto config = ParseNetworkConfig(f, *text);
    if (config.ok()) return config;
    LOG(WARNING) << "skipping " << config.status().message();
    problems.emplace_back(config.status().message());
  }
  std::string why = problems.empty() ? "no network config found in " + conf_dir
                                     : absl::StrJoin(problems, "; ");
  return absl::NotFoundError(why);
}

absl::StatusOr<std::string> FindPlugin(
    const std::string& type, const std::vector<std::string>& bin_dirs) {
  if (type.empty() || type.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("CNI plugin type \"", type, "\": not a plain name"));
  }
  for (const auto& dir : bin_dirs) {
    std::string path = absl::StrCat(dir, "/", type);
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return absl::NotFoundError(absl::StrCat("CNI plugin ", type, " not found in ",
                                          absl::StrJoin(bin_dirs, ":")));
}

}  // namespace crisp::cni
