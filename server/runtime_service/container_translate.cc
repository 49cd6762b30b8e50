#include "server/runtime_service/container_translate.h"

namespace crisp::server {

using containers::Container;
using containers::ContainerState;
using containers::ContainerStatus;

Container ToContainerRecord(const v1::ContainerConfig& config,
                            const std::string& pod_id,
                            const std::string& log_directory) {
  Container c;
  c.pod_id = pod_id;
  c.name = config.metadata().name();
  c.attempt = config.metadata().attempt();
  c.image_ref = config.image().image();
  c.labels.insert(config.labels().begin(), config.labels().end());
  c.annotations.insert(config.annotations().begin(),
                       config.annotations().end());
  if (!log_directory.empty() && !config.log_path().empty()) {
    c.log_path = log_directory + "/" + config.log_path();
  }
  c.tty = config.tty();
  c.stdin_open = config.stdin();
  c.stdin_once = config.stdin_once();
  for (const auto& m : config.mounts()) {
    c.mounts.push_back({m.container_path(), m.host_path(), m.readonly(),
                        static_cast<int>(m.propagation())});
  }
  return c;
}

v1::ContainerState ToCriState(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated:
      return v1::CONTAINER_CREATED;
    case ContainerState::kRunning:
      return v1::CONTAINER_RUNNING;
    case ContainerState::kExited:
      return v1::CONTAINER_EXITED;
    case ContainerState::kUnknown:
      break;
  }
  return v1::CONTAINER_UNKNOWN;
}

namespace {

void ToCriMetadata(const Container& c, v1::ContainerMetadata* out) {
  out->set_name(c.name);
  out->set_attempt(c.attempt);
}

}  // namespace

void ToCriContainer(const Container& c, const ContainerStatus& status,
                    v1::Container* out) {
  out->set_id(c.id);
  out->set_pod_sandbox_id(c.pod_id);
  ToCriMetadata(c, out->mutable_metadata());
  out->mutable_image()->set_image(c.image_ref);
  out->set_image_ref(c.image_id);
  out->set_image_id(c.image_id);
  out->set_state(ToCriState(status.state));
  out->set_created_at(c.created_unix_nanos);
  out->mutable_labels()->insert(c.labels.begin(), c.labels.end());
  out->mutable_annotations()->insert(c.annotations.begin(),
                                     c.annotations.end());
}

void ToCriContainerStatus(const Container& c, const ContainerStatus& status,
                          v1::ContainerStatus* out) {
  out->set_id(c.id);
  ToCriMetadata(c, out->mutable_metadata());
  out->set_state(ToCriState(status.state));
  out->set_created_at(c.created_unix_nanos);
  out->set_started_at(status.started_at);
  out->set_finished_at(status.finished_at);
  out->set_exit_code(status.exit_code);
  out->mutable_image()->set_image(c.image_ref);
  out->set_image_ref(c.image_id);
  out->set_image_id(c.image_id);
  out->set_reason(status.reason);
  out->set_message(status.message);
  out->mutable_labels()->insert(c.labels.begin(), c.labels.end());
  out->mutable_annotations()->insert(c.annotations.begin(),
                                     c.annotations.end());
  for (const auto& m : c.mounts) {
    auto* mount = out->add_mounts();
    mount->set_container_path(m.container_path);
    mount->set_host_path(m.host_path);
    mount->set_readonly(m.readonly);
    mount->set_propagation(static_cast<v1::MountPropagation>(m.propagation));
  }
  out->set_log_path(c.log_path);
}

bool MatchesFilter(const Container& c, const ContainerStatus& status,
                   const v1::ContainerFilter& f) {
  if (!f.id().empty() && c.id.rfind(f.id(), 0) != 0) return false;
  if (!f.pod_sandbox_id().empty() &&
      c.pod_id.rfind(f.pod_sandbox_id(), 0) != 0) {
    return false;
  }
  if (f.has_state() && f.state().state() != ToCriState(status.state)) {
    return false;
  }
  for (const auto& [k, v] : f.label_selector()) {
    auto it = c.labels.find(k);
    if (it == c.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace crisp::server
