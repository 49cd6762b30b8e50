#include "containers/container_json.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace crisp::containers {

using nlohmann::json;

std::string Container::Key() const {
  return absl::StrCat(pod_id, "/", name, "/", attempt);
}

std::string ContainerToJson(const Container& c) {
  json mounts = json::array();
  for (const auto& m : c.mounts) {
    mounts.push_back({{"containerPath", m.container_path},
                      {"hostPath", m.host_path},
                      {"readonly", m.readonly},
                      {"propagation", m.propagation}});
  }
  return json{{"id", c.id},
              {"podId", c.pod_id},
              {"name", c.name},
              {"attempt", c.attempt},
              {"imageRef", c.image_ref},
              {"imageId", c.image_id},
              {"snapshotKeys", c.snapshot_keys},
              {"labels", c.labels},
              {"annotations", c.annotations},
              {"logPath", c.log_path},
              {"tty", c.tty},
              {"stdin", c.stdin_open},
              {"stdinOnce", c.stdin_once},
              {"stopSignal", c.stop_signal},
              {"mounts", mounts},
              {"creating", c.creating},
              {"createdUnixNanos", c.created_unix_nanos},
              {"startedUnixNanos", c.started_unix_nanos},
              {"dir", c.dir},
              {"layer", c.layer}}
      .dump();
}

absl::StatusOr<Container> ContainerFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("stored container: not a JSON object");
  }
  Container c;
  try {
    c.id = j.at("id").get<std::string>();
    c.pod_id = j.at("podId").get<std::string>();
    c.name = j.at("name").get<std::string>();
    c.attempt = j.at("attempt").get<uint32_t>();
    c.image_ref = j.at("imageRef").get<std::string>();
    c.image_id = j.at("imageId").get<std::string>();
    j.at("snapshotKeys").get_to(c.snapshot_keys);
    j.at("labels").get_to(c.labels);
    j.at("annotations").get_to(c.annotations);
    c.log_path = j.at("logPath").get<std::string>();
    c.tty = j.at("tty").get<bool>();
    c.stdin_open = j.at("stdin").get<bool>();
    c.stdin_once = j.at("stdinOnce").get<bool>();
    c.stop_signal = j.at("stopSignal").get<int>();
    for (const json& m : j.at("mounts")) {
      c.mounts.push_back({m.at("containerPath").get<std::string>(),
                          m.at("hostPath").get<std::string>(),
                          m.at("readonly").get<bool>(),
                          m.at("propagation").get<int>()});
    }
    c.creating = j.at("creating").get<bool>();
    c.created_unix_nanos = j.at("createdUnixNanos").get<int64_t>();
    c.started_unix_nanos = j.at("startedUnixNanos").get<int64_t>();
    c.dir = j.at("dir").get<std::string>();
    c.layer = j.at("layer").get<std::string>();
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("stored container ", c.id, ": ", e.what()));
  }
  return c;
}

}  // namespace crisp::containers
