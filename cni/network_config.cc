#include "cni/network_config.h"
#include "absl/strings/string_view.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files.h"
#include "common/status.h"

namespace crisp::cni {
namespace {

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

}  // namespace

absl::StatusOr<NetworkConfig> ParseNetworkConfig(const std::string& path,
                                                 const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Invalid(path, "not a JSON object");
  NetworkConfig c;
  c.path = path;
  if (!j.contains("plugins")) {  // single-plugin .conf
    nlohmann::json plugin = j;
    j = {{"name", plugin.value("name", "")},
         {"cniVersion", plugin.value("cniVersion", "")},
         {"plugins", nlohmann::json::array({plugin})}};
  }
  if (!j["name"].is_string() || j["name"].get<std::string>().empty()) {
    return Invalid(path, "missing \"name\"");
  }
  if (!j["plugins"].is_array() || j["plugins"].empty()) {
    return Invalid(path, "\"plugins\" must be a non-empty array");
  }
  for (const auto& p : j["plugins"]) {
    if (!p.is_object() || !p.contains("type") || !p["type"].is_string()) {
      return Invalid(path, "every plugin needs a string \"type\"");
    }
    c.plugin_types.push_back(p["type"].get<std::string>());
  }
  c.name = j["name"].get<std::string>();
  if (j.contains("cniVersion") && j["cniVersion"].is_string()) {
    c.cni_version = j["cniVersion"].get<std::string>();
  }
  c.list = std::move(j);
  return c;
}

absl::StatusOr<NetworkConfig> FindDefaultNetwork(const std::string& conf_dir) {
  ASSIGN_OR_RETURN(auto files, ListConfigFiles(conf_dir));
  std::vector<std::string> problems;
  for (const auto& f : files) {
    auto text = ReadFile(f);
    if (!text.ok()) {
      problems.emplace_back(text.status().message());
      continue;
    }
    auto config = ParseNetworkConfig(f, *text);
    if (config.ok()) return config;
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
