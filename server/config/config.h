// crispd's configuration: defaults, then the TOML file, then flags.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace crisp::server {

// How one registry host is reached (containerd's hosts.toml, in one file).
struct RegistryConfig {
  std::vector<std::string> mirrors;   // endpoints tried in order, then origin
  bool plain_http = false;            // talk HTTP instead of HTTPS
  bool insecure_skip_verify = false;  // accept any TLS certificate
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct Config {
  std::string address = "unix:///run/crisp/crisp.sock";
  std::string root = "/var/lib/crisp";
  std::string state = "/run/crisp";
  std::string log_level = "info";
  int shutdown_timeout_seconds = 10;

  struct Runtime {
    std::string cgroup_driver = "cgroupfs";
    // Where crisp-monitor and crisp-pause are; empty: beside crispd.
    std::string helper_dir;
  } runtime;

  struct Cni {
    std::string conf_dir = "/etc/cni/net.d";
    std::vector<std::string> bin_dirs = {"/opt/cni/bin", "/usr/lib/cni"};
  } cni;

  struct Image {
    std::string sandbox_image = "registry.k8s.io/pause:3.9";
    int max_concurrent_downloads = 3;
    int stall_timeout_seconds = 60;  // a download idle this long fails
    // A download slower than this for low_speed_time_seconds fails (0: no
    // minimum rate).
    int low_speed_bytes_per_second = 1024;
    int low_speed_time_seconds = 60;
    // What one layer may expand to (0: no cap): decompression bombs.
    uint64_t max_layer_bytes = uint64_t{64} << 30;
    uint64_t max_layer_entries = 4'000'000;
    uint64_t max_layer_directories = 1'000'000;
  } image;

  // The exec/attach/port-forward streaming server (HTTP, SPDY/3.1).
  struct Streaming {
    std::string address = "127.0.0.1";  // an IP literal
    int port = 0;                       // 0: an ephemeral port at start
  } streaming;

  std::map<std::string, RegistryConfig> registries;  // by host[:port]
};

// Reads `path` over the defaults. Unknown keys and bad values are errors
// that name the key (InvalidArgument); a missing file is NotFound.
[[nodiscard]] absl::StatusOr<Config> LoadConfigFile(const std::string& path);

// Parses TOML text over the defaults; `origin` names it in errors.
[[nodiscard]] absl::StatusOr<Config> ParseConfig(const std::string& text,
                                                 const std::string& origin);

// Checks values that no single key can check (paths absolute, socket form).
[[nodiscard]] absl::Status ValidateConfig(const Config& config);

// The complete default configuration as TOML, every key commented.
std::string DefaultConfigToml();

// The effective configuration, for Status(verbose).
nlohmann::json ConfigToJson(const Config& config);

}  // namespace crisp::server
