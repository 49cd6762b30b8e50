#include "image/image_config.h"

#include "common/json.h"
#include "common/status.h"
#include "image/registry/reference.h"

namespace crisp::image {
namespace {

using json::Json;

constexpr char kWhat[] = "image config";
constexpr char kConfigWhat[] = "image config: config";

// `*out` gets the list at `key` when there is one.
absl::Status ReadList(const Json& config, const char* key,
                      std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(auto list, json::GetStringList(config, key, kConfigWhat));
  if (list.has_value()) *out = *std::move(list);
  return absl::OkStatus();
}

absl::Status ReadKeys(const Json& config, const char* key,
                      std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(auto keys, json::GetKeys(config, key, kConfigWhat));
  if (keys.has_value()) *out = *std::move(keys);
  return absl::OkStatus();
}

absl::Status ReadConfig(const Json& config, ImageConfig& c) {
  ASSIGN_OR_RETURN(c.user, json::StringOr(config, "User", "", kConfigWhat));
  RETURN_IF_ERROR(ReadList(config, "Env", &c.env));
  RETURN_IF_ERROR(ReadList(config, "Entrypoint", &c.entrypoint));
  RETURN_IF_ERROR(ReadList(config, "Cmd", &c.cmd));
  ASSIGN_OR_RETURN(c.working_dir,
                   json::StringOr(config, "WorkingDir", "", kConfigWhat));
  ASSIGN_OR_RETURN(c.stop_signal,
                   json::StringOr(config, "StopSignal", "", kConfigWhat));
  RETURN_IF_ERROR(ReadKeys(config, "Volumes", &c.volumes));
  RETURN_IF_ERROR(ReadKeys(config, "ExposedPorts", &c.exposed_ports));
  ASSIGN_OR_RETURN(auto labels,
                   json::GetStringMap(config, "Labels", kConfigWhat));
  if (labels.has_value()) c.labels = *std::move(labels);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ReadDiffIds(const Json& blob) {
  ASSIGN_OR_RETURN(const Json* rootfs, json::GetObject(blob, "rootfs", kWhat));
  const Json* ids = nullptr;
  if (rootfs != nullptr) {
    ASSIGN_OR_RETURN(ids, json::GetArray(*rootfs, "diff_ids", kWhat));
  }
  if (ids == nullptr) return json::Missing(kWhat, "rootfs.diff_ids");
  std::vector<std::string> out;
  for (const Json& id : *ids) {
    ASSIGN_OR_RETURN(std::string s, json::AsString(id, "image config diff_id"));
    RETURN_IF_ERROR(Annotate(ValidateDigest(s), "image config diff_id"));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

absl::StatusOr<ImageConfig> ParseImageConfig(absl::string_view body) {
  ASSIGN_OR_RETURN(Json blob, json::ParseObject(body, kWhat));
  ImageConfig c;
  ASSIGN_OR_RETURN(const Json* config, json::GetObject(blob, "config", kWhat));
  if (config != nullptr) RETURN_IF_ERROR(ReadConfig(*config, c));
  ASSIGN_OR_RETURN(c.diff_ids, ReadDiffIds(blob));
  return c;
}

}  // namespace crisp::image
