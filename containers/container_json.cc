#include "containers/container_json.h"

#include "absl/strings/str_cat.h"
#include "common/json_record.h"
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

// Every field the first release wrote, then the later ones.
absl::Status ReadContainer(const json& j, Container& c) {
  j.at("id").get_to(c.id);
  j.at("podId").get_to(c.pod_id);
  j.at("name").get_to(c.name);
  j.at("attempt").get_to(c.attempt);
  j.at("imageRef").get_to(c.image_ref);
  j.at("imageId").get_to(c.image_id);
  j.at("snapshotKeys").get_to(c.snapshot_keys);
  j.at("labels").get_to(c.labels);
  j.at("annotations").get_to(c.annotations);
  j.at("logPath").get_to(c.log_path);
  j.at("tty").get_to(c.tty);
  j.at("stdin").get_to(c.stdin_open);
  j.at("stdinOnce").get_to(c.stdin_once);
  j.at("stopSignal").get_to(c.stop_signal);
  for (const json& m : j.at("mounts")) {
    c.mounts.push_back({m.at("containerPath").get<std::string>(),
                        m.at("hostPath").get<std::string>(),
                        m.at("readonly").get<bool>(),
                        m.at("propagation").get<int>()});
  }
  j.at("creating").get_to(c.creating);
  j.at("createdUnixNanos").get_to(c.created_unix_nanos);
  j.at("startedUnixNanos").get_to(c.started_unix_nanos);
  j.at("dir").get_to(c.dir);
  j.at("layer").get_to(c.layer);
  return ReadLaterFields(j, c);
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
  return crisp::json::ReadRecord<Container>(text, "container", ReadContainer);
}

store::RecordFormat<Container> ContainerFormat() {
  auto pod_id = [](const Container& c) { return c.pod_id; };
  auto clash = [](const Container& c) {
    return absl::StrCat("container ", c.name, " attempt ", c.attempt,
                        " already exists in pod ", c.pod_id);
  };
  return {.table = "containers",
          .noun = "container",
          .key = &Container::Key,
          .extra = {{"pod_id", pod_id}},
          .record_column = "container",
          .to_json = ContainerToJson,
          .from_json = ContainerFromJson,
          .clash = clash};
}

}  // namespace crisp::containers
