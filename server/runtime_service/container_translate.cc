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

// The digest reference, for rows from before it was recorded: the id.
const std::string& ImageRef(const Container& c) {
  return c.image_digest_ref.empty() ? c.image_id : c.image_digest_ref;
}

void ToCriResources(const runtime::oci::Resources& r,
                    v1::LinuxContainerResources* out) {
  if (r.cpu) {
    out->set_cpu_period(static_cast<int64_t>(r.cpu->period.value_or(0)));
    out->set_cpu_quota(r.cpu->quota.value_or(0));
    out->set_cpu_shares(static_cast<int64_t>(r.cpu->shares.value_or(0)));
    out->set_cpuset_cpus(r.cpu->cpus);
    out->set_cpuset_mems(r.cpu->mems);
  }
  if (r.memory) {
    out->set_memory_limit_in_bytes(r.memory->limit.value_or(0));
    out->set_memory_swap_limit_in_bytes(r.memory->swap.value_or(0));
  }
  for (const auto& h : r.hugepage_limits) {
    auto* limit = out->add_hugepage_limits();
    limit->set_page_size(h.page_size);
    limit->set_limit(h.limit);
  }
  out->mutable_unified()->insert(r.unified.begin(), r.unified.end());
}

void ToCriUser(const runtime::oci::User& u, v1::LinuxContainerUser* out) {
  out->set_uid(u.uid);
  out->set_gid(u.gid);
  for (uint32_t g : u.additional_gids) out->add_supplemental_groups(g);
}

}  // namespace

void ToCriContainer(const Container& c, const ContainerStatus& status,
                    v1::Container* out) {
  out->set_id(c.id);
  out->set_pod_sandbox_id(c.pod_id);
  ToCriMetadata(c, out->mutable_metadata());
  out->mutable_image()->set_image(c.image_ref);
  out->set_image_ref(ImageRef(c));
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
  out->set_image_ref(ImageRef(c));
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
  ToCriResources(c.resources, out->mutable_resources()->mutable_linux());
  ToCriUser(c.user, out->mutable_user()->mutable_linux());
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
