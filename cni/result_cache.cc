#include "cni/result_cache.h"

#include <unistd.h>

#include <cerrno>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cni/plugin_config.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"

namespace crisp::cni {
namespace {

constexpr char kKind[] = "crispCniCacheV1";

bool SafePart(const std::string& part) {
  return !part.empty() &&
         part.find_first_of(std::string("/\0", 2)) == std::string::npos;
}

absl::Status Damaged(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("CNI result cache ", path, ": ", why));
}

absl::StatusOr<CacheEntry> Decode(const std::string& path,
                                  const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("kind") ||
      j["kind"] != kKind) {
    return Damaged(path, absl::StrCat("not a ", kKind, " object"));
  }
  CacheEntry e;
  e.config = j.value("config", nlohmann::json());
  e.runtime_config = j.value("runtimeConfig", nlohmann::json::object());
  e.result = j.value("result", nlohmann::json());
  if (!e.config.is_object()) return Damaged(path, "no \"config\" object");
  for (const auto& arg : j.value("cniArgs", nlohmann::json::array())) {
    if (!arg.is_array() || arg.size() != 2 || !arg[0].is_string() ||
        !arg[1].is_string()) {
      return Damaged(path, "\"cniArgs\" must be [key, value] string pairs");
    }
    e.cni_args.emplace_back(arg[0].get<std::string>(),
                            arg[1].get<std::string>());
  }
  return e;
}

// WriteFileAtomic's temp name, <path>.tmp.<pid>; no entry name ends so,
// as entries end in -<ifname> and interface names have no '.' in crisp.
bool IsTempName(absl::string_view name) {
  size_t at = name.rfind(".tmp.");
  if (at == absl::string_view::npos || at + 5 == name.size()) return false;
  return absl::c_all_of(name.substr(at + 5), absl::ascii_isdigit);
}

}  // namespace

absl::StatusOr<std::string> ResultCache::Path(const CacheKey& key) const {
  for (const std::string* part :
       {&key.network, &key.container_id, &key.ifname}) {
    if (!SafePart(*part)) {
      return absl::InvalidArgumentError(
          absl::StrCat("CNI result cache key \"", *part,
                       "\": network, container id and ifname must be non-empty "
                       "without '/'"));
    }
  }
  return absl::StrCat(dir_, "/results/", key.network, "-", key.container_id,
                      "-", key.ifname);
}

absl::Status ResultCache::Write(const CacheKey& key,
                                const CacheEntry& entry) const {
  ASSIGN_OR_RETURN(std::string path, Path(key));
  nlohmann::json j = {{"kind", kKind},
                      {"networkName", key.network},
                      {"containerId", key.container_id},
                      {"ifName", key.ifname},
                      {"config", entry.config},
                      {"cniArgs", entry.cni_args},
                      {"runtimeConfig", entry.runtime_config},
                      {"result", entry.result}};
  RETURN_IF_ERROR(MakeDirs(dir_ + "/results", 0700));
  return WriteFileAtomic(path, DumpJson(j), 0600);
}

absl::StatusOr<std::optional<CacheEntry>> ResultCache::Read(
    const CacheKey& key) const {
  ASSIGN_OR_RETURN(std::string path, Path(key));
  auto text = ReadFile(path);
  if (absl::IsNotFound(text.status())) return std::nullopt;
  if (!text.ok()) return text.status();
  ASSIGN_OR_RETURN(CacheEntry entry, Decode(path, *text));
  return entry;
}

absl::Status ResultCache::Remove(const CacheKey& key) const {
  ASSIGN_OR_RETURN(std::string path, Path(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return LastErrno("remove CNI result cache " + path);
  }
  return absl::OkStatus();
}

absl::Status ResultCache::RemoveStaleTemps() const {
  std::string dir = dir_ + "/results";
  auto names = ListDir(dir);
  if (absl::IsNotFound(names.status())) return absl::OkStatus();
  if (!names.ok()) return Annotate(names.status(), "CNI result cache");
  absl::Status status;
  for (const auto& name : *names) {
    if (!IsTempName(name)) continue;
    std::string path = absl::StrCat(dir, "/", name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      status.Update(LastErrno("remove stale CNI cache temp file " + path));
    } else {
      LOG(INFO) << "removed " << path << ", left by an interrupted write";
    }
  }
  return status;
}

absl::StatusOr<std::vector<CacheKey>> ResultCache::KeysOf(
    const std::string& container_id, const std::string& ifname) const {
  std::vector<CacheKey> keys;
  auto names = ListDir(dir_ + "/results");
  if (absl::IsNotFound(names.status())) return keys;
  if (!names.ok()) return Annotate(names.status(), "CNI result cache");
  // <network>-<container id>-<ifname>: the network is what comes before.
  std::string suffix = absl::StrCat("-", container_id, "-", ifname);
  for (const auto& name : *names) {
    if (name.size() > suffix.size() && absl::EndsWith(name, suffix)) {
      keys.push_back(
          {name.substr(0, name.size() - suffix.size()), container_id, ifname});
    }
  }
  return keys;
}

}  // namespace crisp::cni
