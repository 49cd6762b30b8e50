// The files a pod's containers bind-mount from the pod's directory:
// /etc/resolv.conf, /etc/hostname, /etc/hosts, and the pod's /dev/shm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace crisp::sandbox {

struct DnsConfig {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
  bool Empty() const {
    return servers.empty() && searches.empty() && options.empty();
  }
};

// resolv.conf text for `dns`; an empty config means the node's file
// (`host_resolv_conf`) is used as it is, as containerd and CRI-O do.
[[nodiscard]] absl::Status WriteResolvConf(const std::string& path,
                                           const DnsConfig& dns,
                                           const std::string& host_resolv_conf);

[[nodiscard]] absl::Status WriteHostname(const std::string& path,
                                         const std::string& hostname);

// The node's /etc/hosts (`host_hosts`) when it exists, else localhost
// entries only.
[[nodiscard]] absl::Status WriteHosts(const std::string& path,
                                      const std::string& host_hosts);

// A tmpfs (nosuid, nodev, noexec, mode 1777) of `size_bytes` at `path`
// (made if missing); UnmountShm is idempotent.
[[nodiscard]] absl::Status MountShm(const std::string& path,
                                    uint64_t size_bytes);
[[nodiscard]] absl::Status UnmountShm(const std::string& path);

}  // namespace crisp::sandbox
