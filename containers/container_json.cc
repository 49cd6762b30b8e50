#include "containers/container_json.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "runtime/oci/json.h"

namespace crisp::containers {

using nlohmann::json;

namespace {

json UserToJson(const runtime::oci::User& u) {
  return {
      {"uid", u.uid}, {"gid", u.gid}, {"additionalGids", u.additional_gids}};
}

// Fields added after the first release: absent from older rows.
absl::Status ReadLaterFields(const json& j, Container& c) {
  c.image_digest_ref = j.value("imageDigestRef", "");
  c.exit_published = j.value("exitPublished", false);
  if (j.contains("resources")) {
    auto r = runtime::oci::ParseResources(j.at("resources").dump());
    if (!r.ok()) return r.status();
    c.resources = *std::move(r);
  }
  if (j.contains("user")) {
    const json& u = j.at("user");
    c.user.uid = u.at("uid").get<uint32_t>();
    c.user.gid = u.at("gid").get<uint32_t>();
    u.at("additionalGids").get_to(c.user.additional_gids);
  }
  return absl::OkStatus();
}

}  // namespace

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
              {"imageDigestRef", c.image_digest_ref},
              {"snapshotKeys", c.snapshot_keys},
              {"labels", c.labels},
              {"annotations", c.annotations},
              {"logPath", c.log_path},
              {"tty", c.tty},
              {"stdin", c.stdin_open},
              {"stdinOnce", c.stdin_once},
              {"stopSignal", c.stop_signal},
              {"mounts", mounts},
              {"resources", runtime::oci::ToJson(c.resources)},
              {"user", UserToJson(c.user)},
              {"creating", c.creating},
              {"createdUnixNanos", c.created_unix_nanos},
              {"startedUnixNanos", c.started_unix_nanos},
              {"exitPublished", c.exit_published},
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
    absl::Status later = ReadLaterFields(j, c);
    if (!later.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("stored container ", c.id, ": ", later.message()));
    }
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("stored container ", c.id, ": ", e.what()));
  }
  return c;
}

}  // namespace crisp::containers
