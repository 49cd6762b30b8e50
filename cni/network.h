// A CNI network (one config list) that attaches containers: ADD, DEL and
// CHECK over the list's plugins as libcni's AddNetworkList, DelNetworkList
// and CheckNetworkList do, with the rollback and the result cache the CNI
// spec asks of a runtime.
//
// Calls for different attachments may run concurrently; calls for the same
// attachment must be serialised by the caller (the sandbox's lock).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cni/network_config.h"
#include "cni/plugin_exec.h"
#include "cni/result.h"
#include "cni/result_cache.h"
#include "nlohmann/json.hpp"

namespace crisp::cni {

// One container's interface on the network.
struct Attachment {
  std::string container_id;
  std::string netns_path;  // may be empty for Del once the netns is gone
  std::string ifname = "eth0";
  // CNI_ARGS, e.g. K8S_POD_NAMESPACE, K8S_POD_NAME,
  // K8S_POD_INFRA_CONTAINER_ID, K8S_POD_UID; "IgnoreUnknown=1" is put first
  // unless present, as containerd does, so plugins accept unknown keys.
  std::vector<std::pair<std::string, std::string>> cni_args;
  // Capability arguments: portMappings, bandwidth, ipRanges, dns, ...
  nlohmann::json runtime_config = nlohmann::json::object();
};

struct NetworkOptions {
  std::vector<std::string> bin_dirs;  // searched in order, also CNI_PATH
  std::string cache_dir;              // results cache (libcni's cacheDir)
  ExecLimits limits;                  // per plugin invocation
};

class Network {
 public:
  Network(NetworkConfig config, NetworkOptions options);

  // The networks `attachment` is cached as added to, each with the config
  // its ADD used, so that a DEL works when the config dir holds none (a
  // CNI daemonset upgrade, a drain). Empty when nothing is cached.
  [[nodiscard]] static absl::StatusOr<std::vector<Network>> FromCache(
      const Attachment& attachment, const NetworkOptions& options);

  const NetworkConfig& config() const { return config_; }

  // ADD through every plugin in order, each given the previous one's result
  // as prevResult; returns the last result and caches it. When a plugin
  // fails, DEL runs for every plugin of the list in reverse order (the
  // spec's advice: a failed plugin may have half set up, later ones must
  // tolerate a DEL without ADD) and the plugin's error is returned.
  [[nodiscard]] absl::StatusOr<Result> Add(const Attachment& attachment) const;

  // DEL through every plugin in reverse order with the cached result as
  // prevResult, using the config, CNI_ARGS and runtime config that ADD
  // used (what is undone is what was done, even if the config changed
  // since). Without a cache entry the current config is used and no
  // prevResult given. A plugin's "not found" error counts as done (as
  // containerd's go-cni treats it); any other error stops the list, as the
  // spec says, and keeps the cache entry for a retry. Success removes it.
  [[nodiscard]] absl::Status Del(const Attachment& attachment) const;

  // CHECK through every plugin in order with the cached result as
  // prevResult. FailedPrecondition when the list's cniVersion is below
  // 0.4.0 or no ADD is cached; a list with "disableCheck" passes unchecked.
  [[nodiscard]] absl::Status Check(const Attachment& attachment) const;

  // The result cached by the last successful Add; NotFound when none.
  [[nodiscard]] absl::StatusOr<Result> CachedResult(
      const Attachment& attachment) const;

 private:
  struct Call;

  CacheKey Key(const Attachment& attachment) const;
  absl::StatusOr<Call> MakeCall(const char* command,
                                const NetworkConfig& config,
                                const Attachment& attachment) const;
  absl::StatusOr<std::string> Run(const Call& call, size_t plugin,
                                  const nlohmann::json& prev_result) const;
  absl::StatusOr<Result> AddAll(const Call& call) const;
  void Rollback(const Call& add) const;
  absl::Status DelAll(const Call& call, const nlohmann::json& prev) const;

  NetworkConfig config_;
  NetworkOptions options_;
  ResultCache cache_;
};

}  // namespace crisp::cni
