#include "server/runtime_service/pod_translate.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/specgen/request_checks.h"

namespace crisp::server {
namespace {

absl::StatusOr<std::string> ProtocolName(v1::Protocol p) {
  switch (p) {
    case v1::TCP:
      return "tcp";
    case v1::UDP:
      return "udp";
    case v1::SCTP:
      return "sctp";
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("port mapping: unknown protocol ", p));
  }
}

absl::StatusOr<sandbox::PortMapping> ToPortMapping(const v1::PortMapping& p) {
  sandbox::PortMapping m;
  auto protocol = ProtocolName(p.protocol());
  if (!protocol.ok()) return protocol.status();
  m.protocol = *protocol;
  if (p.container_port() <= 0 || p.container_port() > 65535 ||
      p.host_port() < 0 || p.host_port() > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port mapping ", p.host_port(), ":", p.container_port(),
                     ": ports must be within 1-65535"));
  }
  m.container_port = p.container_port();
  m.host_port = p.host_port();
  m.host_ip = p.host_ip();
  return m;
}

absl::Status ApplyNamespaceOptions(const v1::NamespaceOption& ns,
                                   sandbox::PodSpec& spec) {
  if (ns.has_userns_options() && ns.userns_options().mode() == v1::POD) {
    return absl::InvalidArgumentError(
        "pod user namespaces (hostUsers: false) are not supported by crisp");
  }
  spec.host_network = ns.network() == v1::NODE;
  spec.host_ipc = ns.ipc() == v1::NODE;
  spec.host_pid = ns.pid() == v1::NODE;
  spec.share_pid = ns.pid() == v1::POD;
  return absl::OkStatus();
}

v1::NamespaceMode Mode(bool host) { return host ? v1::NODE : v1::POD; }

void ToCriMetadata(const sandbox::PodMetadata& m, v1::PodSandboxMetadata* o) {
  o->set_name(m.name);
  o->set_uid(m.uid);
  o->set_namespace_(m.namespace_);
  o->set_attempt(m.attempt);
}

v1::PodSandboxState ToCriState(sandbox::PodState s) {
  return s == sandbox::PodState::kReady ? v1::SANDBOX_READY
                                        : v1::SANDBOX_NOTREADY;
}

}  // namespace

const std::vector<std::string>& RuntimeHandlerNames() {
  static const auto* names = new std::vector<std::string>{"", "crisp"};
  return *names;
}

absl::Status CheckRuntimeHandler(const std::string& handler) {
  for (const std::string& name : RuntimeHandlerNames()) {
    if (handler == name) return absl::OkStatus();
  }
  return absl::NotFoundError(
      absl::StrCat("runtime handler \"", handler, "\" is not configured"));
}

absl::StatusOr<sandbox::PodSpec> ToPodSpec(const v1::PodSandboxConfig& config,
                                           const std::string& handler) {
  RETURN_IF_ERROR(specgen::CheckLogDirectory(config.log_directory()));
  RETURN_IF_ERROR(specgen::CheckCgroupParent(config.linux().cgroup_parent()));
  sandbox::PodSpec spec;
  const auto& md = config.metadata();
  spec.metadata = {md.name(), md.uid(), md.namespace_(), md.attempt()};
  spec.hostname = config.hostname();
  spec.log_directory = config.log_directory();
  const auto& dns = config.dns_config();
  spec.dns.servers.assign(dns.servers().begin(), dns.servers().end());
  spec.dns.searches.assign(dns.searches().begin(), dns.searches().end());
  spec.dns.options.assign(dns.options().begin(), dns.options().end());
  for (const auto& p : config.port_mappings()) {
    auto m = ToPortMapping(p);
    if (!m.ok()) return m.status();
    spec.port_mappings.push_back(*m);
  }
  spec.labels.insert(config.labels().begin(), config.labels().end());
  spec.annotations.insert(config.annotations().begin(),
                          config.annotations().end());
  const auto& linux = config.linux();
  spec.cgroup_parent = linux.cgroup_parent();
  auto ns =
      ApplyNamespaceOptions(linux.security_context().namespace_options(), spec);
  if (!ns.ok()) return ns;
  for (const auto& [k, v] : linux.sysctls()) spec.sysctls.emplace_back(k, v);
  spec.runtime_handler = handler;
  return spec;
}

void ToCriPodSandbox(const sandbox::Pod& pod, v1::PodSandbox* out) {
  out->set_id(pod.id);
  ToCriMetadata(pod.spec.metadata, out->mutable_metadata());
  out->set_state(ToCriState(pod.state));
  out->set_created_at(pod.created_unix_nanos);
  out->mutable_labels()->insert(pod.spec.labels.begin(), pod.spec.labels.end());
  out->mutable_annotations()->insert(pod.spec.annotations.begin(),
                                     pod.spec.annotations.end());
  out->set_runtime_handler(pod.spec.runtime_handler);
}

void ToCriPodSandboxStatus(const sandbox::Pod& pod, v1::PodSandboxStatus* out) {
  out->set_id(pod.id);
  ToCriMetadata(pod.spec.metadata, out->mutable_metadata());
  out->set_state(ToCriState(pod.state));
  out->set_created_at(pod.created_unix_nanos);
  if (!pod.ips.empty()) {
    out->mutable_network()->set_ip(pod.ips[0]);
    for (size_t i = 1; i < pod.ips.size(); ++i) {
      out->mutable_network()->add_additional_ips()->set_ip(pod.ips[i]);
    }
  }
  auto* ns = out->mutable_linux()->mutable_namespaces()->mutable_options();
  ns->set_network(Mode(pod.spec.host_network));
  ns->set_ipc(Mode(pod.spec.host_ipc));
  ns->set_pid(pod.spec.host_pid    ? v1::NODE
              : pod.spec.share_pid ? v1::POD
                                   : v1::CONTAINER);
  out->mutable_labels()->insert(pod.spec.labels.begin(), pod.spec.labels.end());
  out->mutable_annotations()->insert(pod.spec.annotations.begin(),
                                     pod.spec.annotations.end());
  out->set_runtime_handler(pod.spec.runtime_handler);
}

bool MatchesFilter(const sandbox::Pod& pod, const v1::PodSandboxFilter& f) {
  if (!f.id().empty() && pod.id.rfind(f.id(), 0) != 0) return false;
  if (f.has_state() && f.state().state() != ToCriState(pod.state)) return false;
  for (const auto& [k, v] : f.label_selector()) {
    auto it = pod.spec.labels.find(k);
    if (it == pod.spec.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace crisp::server
