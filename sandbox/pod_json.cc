#include "sandbox/pod_json.h"

#include "absl/strings/str_cat.h"
#include "common/json_record.h"
#include "nlohmann/json.hpp"

namespace crisp::sandbox {
namespace {

using nlohmann::json;

json SpecToJson(const PodSpec& s) {
  json ports = json::array();
  for (const auto& p : s.port_mappings) {
    ports.push_back({{"protocol", p.protocol},
                     {"containerPort", p.container_port},
                     {"hostPort", p.host_port},
                     {"hostIP", p.host_ip}});
  }
  return {{"name", s.metadata.name},
          {"uid", s.metadata.uid},
          {"namespace", s.metadata.namespace_},
          {"attempt", s.metadata.attempt},
          {"hostname", s.hostname},
          {"logDirectory", s.log_directory},
          {"dns",
           {{"servers", s.dns.servers},
            {"searches", s.dns.searches},
            {"options", s.dns.options}}},
          {"portMappings", ports},
          {"labels", s.labels},
          {"annotations", s.annotations},
          {"cgroupParent", s.cgroup_parent},
          {"hostNetwork", s.host_network},
          {"hostIPC", s.host_ipc},
          {"hostPID", s.host_pid},
          {"sharePID", s.share_pid},
          {"sysctls", s.sysctls},
          {"runtimeHandler", s.runtime_handler}};
}

void SpecFromJson(const json& j, PodSpec& s) {
  s.metadata.name = j.at("name").get<std::string>();
  s.metadata.uid = j.at("uid").get<std::string>();
  s.metadata.namespace_ = j.at("namespace").get<std::string>();
  s.metadata.attempt = j.at("attempt").get<uint32_t>();
  s.hostname = j.at("hostname").get<std::string>();
  s.log_directory = j.at("logDirectory").get<std::string>();
  const json& dns = j.at("dns");
  dns.at("servers").get_to(s.dns.servers);
  dns.at("searches").get_to(s.dns.searches);
  dns.at("options").get_to(s.dns.options);
  for (const json& p : j.at("portMappings")) {
    s.port_mappings.push_back({p.at("protocol").get<std::string>(),
                               p.at("containerPort").get<int32_t>(),
                               p.at("hostPort").get<int32_t>(),
                               p.at("hostIP").get<std::string>()});
  }
  j.at("labels").get_to(s.labels);
  j.at("annotations").get_to(s.annotations);
  s.cgroup_parent = j.at("cgroupParent").get<std::string>();
  s.host_network = j.at("hostNetwork").get<bool>();
  s.host_ipc = j.at("hostIPC").get<bool>();
  s.host_pid = j.at("hostPID").get<bool>();
  s.share_pid = j.at("sharePID").get<bool>();
  j.at("sysctls").get_to(s.sysctls);
  s.runtime_handler = j.at("runtimeHandler").get<std::string>();
}

const char* StateName(PodState s) {
  switch (s) {
    case PodState::kCreating:
      return "creating";
    case PodState::kReady:
      return "ready";
    case PodState::kNotReady:
      return "notready";
  }
  return "notready";
}

PodState StateFromName(const std::string& name) {
  if (name == "creating") return PodState::kCreating;
  if (name == "ready") return PodState::kReady;
  return PodState::kNotReady;
}

absl::Status ReadPod(const json& j, Pod& pod) {
  pod.id = j.at("id").get<std::string>();
  SpecFromJson(j.at("spec"), pod.spec);
  pod.state = StateFromName(j.at("state").get<std::string>());
  pod.created_unix_nanos = j.at("createdUnixNanos").get<int64_t>();
  pod.dir = j.at("dir").get<std::string>();
  pod.namespaces.net = j.at("netns").get<std::string>();
  pod.namespaces.ipc = j.at("ipcns").get<std::string>();
  pod.namespaces.uts = j.at("utsns").get<std::string>();
  pod.namespaces.pid = j.at("pidns").get<std::string>();
  pod.infra.pid = j.at("infraPid").get<pid_t>();
  pod.infra.start_time = j.at("infraStartTime").get<uint64_t>();
  pod.infra.pidfs_ino = j.value("infraPidfsInode", uint64_t{0});
  j.at("ips").get_to(pod.ips);
  pod.network_attached = j.at("networkAttached").get<bool>();
  return absl::OkStatus();
}

}  // namespace

std::string PodToJson(const Pod& pod) {
  json j = {{"id", pod.id},
            {"spec", SpecToJson(pod.spec)},
            {"state", StateName(pod.state)},
            {"createdUnixNanos", pod.created_unix_nanos},
            {"dir", pod.dir},
            {"netns", pod.namespaces.net},
            {"ipcns", pod.namespaces.ipc},
            {"utsns", pod.namespaces.uts},
            {"pidns", pod.namespaces.pid},
            {"infraPid", pod.infra.pid},
            {"infraStartTime", pod.infra.start_time},
            {"infraPidfsInode", pod.infra.pidfs_ino},
            {"ips", pod.ips},
            {"networkAttached", pod.network_attached}};
  return j.dump();
}

absl::StatusOr<Pod> PodFromJson(const std::string& text) {
  return crisp::json::ReadRecord<Pod>(text, "pod", ReadPod);
}

store::RecordFormat<Pod> PodFormat() {
  auto key = [](const Pod& pod) { return pod.spec.metadata.Key(); };
  return {.table = "pods",
          .noun = "pod",
          .key = key,
          .record_column = "pod",
          .to_json = PodToJson,
          .from_json = PodFromJson,
          .clash = [key](const Pod& pod) {
            return absl::StrCat("pod ", key(pod), " already exists");
          }};
}

}  // namespace crisp::sandbox
