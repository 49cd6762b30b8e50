// What a successful ADD did, kept on disk so that DEL and CHECK can give
// each plugin the result as prevResult (as libcni's cache under
// /var/lib/cni/results does), even after a crispd restart.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace crisp::cni {

struct CacheKey {
  std::string network;
  std::string container_id;
  std::string ifname;
};

struct CacheEntry {
  nlohmann::json config;  // the network's list as it was at ADD
  std::vector<std::pair<std::string, std::string>> cni_args;
  nlohmann::json runtime_config = nlohmann::json::object();
  nlohmann::json result;  // the list's final result
};

class ResultCache {
 public:
  explicit ResultCache(std::string dir) : dir_(std::move(dir)) {}

  // <dir>/results/<network>-<container id>-<ifname>, libcni's layout.
  // InvalidArgument when a part is empty or holds '/' or NUL.
  [[nodiscard]] absl::StatusOr<std::string> Path(const CacheKey& key) const;

  // Written atomically, so a crash leaves the old entry or the new one.
  [[nodiscard]] absl::Status Write(const CacheKey& key,
                                   const CacheEntry& entry) const;
  // nullopt when there is no entry; InvalidArgument for a damaged one.
  [[nodiscard]] absl::StatusOr<std::optional<CacheEntry>> Read(
      const CacheKey& key) const;
  // A missing entry is not an error.
  [[nodiscard]] absl::Status Remove(const CacheKey& key) const;

  // Removes the temp files of writes that a crash interrupted
  // (<entry>.tmp.<pid>, see WriteFileAtomic). For start-up only, before
  // any Write: one crispd owns the cache (its state dir lock).
  [[nodiscard]] absl::Status RemoveStaleTemps() const;

  // The keys of the entries of `container_id` on `ifname`, on whatever
  // network: what a DEL can still undo when no network config is left.
  [[nodiscard]] absl::StatusOr<std::vector<CacheKey>> KeysOf(
      const std::string& container_id, const std::string& ifname) const;

 private:
  std::string dir_;
};

}  // namespace crisp::cni
