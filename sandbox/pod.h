// A pod sandbox as Crisp keeps it, with no CRI types: what was asked for
// (PodSpec) and what was made for it (Pod).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/process.h"
#include "sandbox/pinned_namespaces.h"
#include "sandbox/pod_files.h"

namespace crisp::sandbox {

struct PodMetadata {
  std::string name;
  std::string uid;
  std::string namespace_;
  uint32_t attempt = 0;
  // kubelet retries a create with the same metadata: this is the key that
  // finds the first one.
  std::string Key() const;
};

struct PortMapping {
  std::string protocol = "tcp";  // tcp, udp or sctp
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;
};

struct PodSpec {
  PodMetadata metadata;
  std::string hostname;
  std::string log_directory;
  DnsConfig dns;
  std::vector<PortMapping> port_mappings;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string cgroup_parent;
  bool host_network = false;
  bool host_ipc = false;
  bool host_pid = false;
  bool share_pid = false;  // one PID namespace for all containers
  std::vector<std::pair<std::string, std::string>> sysctls;
  std::string runtime_handler;
};

enum class PodState { kCreating, kReady, kNotReady };

struct Pod {
  std::string id;
  PodSpec spec;
  PodState state = PodState::kCreating;
  int64_t created_unix_nanos = 0;
  std::string dir;  // resolv.conf, hostname, hosts, shm/
  PinnedNamespaces namespaces;
  ProcessId infra;  // crisp-pause, when the pod shares one PID namespace
  std::vector<std::string> ips;  // primary first
  bool network_attached = false;

  std::string ResolvConf() const { return dir + "/resolv.conf"; }
  std::string HostnameFile() const { return dir + "/hostname"; }
  std::string Hosts() const { return dir + "/hosts"; }
  std::string Shm() const { return dir + "/shm"; }
};

}  // namespace crisp::sandbox
