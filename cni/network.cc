#include "cni/network.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cni/plugin_config.h"
#include "cni/version.h"
#include "common/status.h"
#include "glog/logging.h"

namespace crisp::cni {

using Json = nlohmann::json;

// One pass over a list: the plugins' paths are resolved before any runs,
// so a missing plugin fails an ADD before anything needs undoing.
struct Network::Call {
  const char* command;
  const NetworkConfig& config;
  const Attachment& attachment;
  std::string cni_args;  // CNI_ARGS
  ListContext list;
  std::vector<std::string> paths;  // one per plugin of config.list
  std::string What() const {
    return absl::StrCat("CNI network ", config.name, " ", command,
                        " for container ", attachment.container_id, " (",
                        attachment.ifname, ")");
  }
};

namespace {

std::vector<std::pair<std::string, std::string>> WithIgnoreUnknown(
    std::vector<std::pair<std::string, std::string>> args) {
  for (const auto& [key, value] : args) {
    if (key == "IgnoreUnknown") return args;
  }
  args.insert(args.begin(), {"IgnoreUnknown", "1"});
  return args;
}

// A DEL error saying the thing to delete is already gone, worded as the
// plugins word it (CNI code 3, "Link not found", "no such file or
// directory" for a vanished netns); containerd's go-cni skips these too.
bool AlreadyGone(const absl::Status& status) {
  std::string message = absl::AsciiStrToLower(status.message());
  return absl::IsNotFound(status) || absl::StrContains(message, "not found") ||
         absl::StrContains(message, "no such file or directory");
}

bool CheckDisabled(const Json& list) {
  auto it = list.find("disableCheck");
  return it != list.end() && (*it == true || *it == "true");
}

absl::Status NeedsNetns(const Attachment& a, absl::string_view command) {
  if (!a.netns_path.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "CNI ", command, " for container ", a.container_id, ": no netns path"));
}

// What ParseNetworkConfig guarantees, checked again for a NetworkConfig
// built by hand: json's operator[] on a missing key is undefined.
absl::Status CheckShape(const NetworkConfig& config) {
  auto plugins = config.list.find("plugins");
  bool ok = plugins != config.list.end() && plugins->is_array() &&
            plugins->size() == config.plugin_types.size();
  for (size_t i = 0; ok && i < plugins->size(); ++i) {
    ok = (*plugins)[i].is_object();
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("CNI network ", config.name,
                   ": \"plugins\" must be one object per plugin type"));
}

// The cached result as prevResult in the list's version; as stored when
// it does not parse (the plugin may still make sense of it).
Json PrevResult(const Json& cached, const std::string& version) {
  if (cached.is_null()) return cached;
  auto result = ParseResultJson("the CNI result cache", cached);
  if (!result.ok()) return cached;
  return ResultJsonForVersion(*result, version);
}

}  // namespace

Network::Network(NetworkConfig config, NetworkOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      cache_(options_.cache_dir) {}

absl::StatusOr<std::vector<Network>> Network::FromCache(
    const Attachment& a, const NetworkOptions& options) {
  ResultCache cache(options.cache_dir);
  ASSIGN_OR_RETURN(std::vector<CacheKey> keys,
                   cache.KeysOf(a.container_id, a.ifname));
  std::vector<Network> networks;
  for (const CacheKey& key : keys) {
    ASSIGN_OR_RETURN(std::optional<CacheEntry> entry, cache.Read(key));
    if (!entry.has_value()) continue;  // removed meanwhile
    ASSIGN_OR_RETURN(std::string path, cache.Path(key));
    ASSIGN_OR_RETURN(NetworkConfig config,
                     ParseNetworkConfig(path, DumpJson(entry->config)));
    if (config.name != key.network) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CNI result cache ", path, ": holds network ", config.name));
    }
    networks.emplace_back(std::move(config), options);
  }
  return networks;
}

CacheKey Network::Key(const Attachment& a) const {
  return {config_.name, a.container_id, a.ifname};
}

absl::StatusOr<Network::Call> Network::MakeCall(const char* command,
                                                const NetworkConfig& config,
                                                const Attachment& a) const {
  RETURN_IF_ERROR(cache_.Path(Key(a)).status());
  RETURN_IF_ERROR(CheckShape(config));
  if (!a.runtime_config.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CNI runtime config for container ", a.container_id,
                     ": not a JSON object"));
  }
  ASSIGN_OR_RETURN(std::string args,
                   FormatCniArgs(WithIgnoreUnknown(a.cni_args)));
  Call call{command,
            config,
            a,
            std::move(args),
            ListContext{config.name, config.cni_version, a.runtime_config},
            {}};
  for (const auto& type : config.plugin_types) {
    auto path = FindPlugin(type, options_.bin_dirs);
    if (!path.ok()) return Annotate(path.status(), call.What());
    call.paths.push_back(std::move(*path));
  }
  return call;
}

absl::StatusOr<std::string> Network::Run(const Call& call, size_t plugin,
                                         const Json& prev_result) const {
  const Attachment& a = call.attachment;
  Json config = BuildPluginConfig(call.config.list["plugins"][plugin],
                                  call.list, prev_result);
  PluginCall exec{call.paths[plugin], call.command,    a.container_id,
                  a.netns_path,       a.ifname,        call.cni_args,
                  options_.bin_dirs,  DumpJson(config)};
  return ExecPlugin(exec, options_.limits);
}

absl::StatusOr<Result> Network::AddAll(const Call& call) const {
  Json prev;
  Result result;
  for (size_t i = 0; i < call.paths.size(); ++i) {
    ASSIGN_OR_RETURN(std::string out, Run(call, i, prev));
    ASSIGN_OR_RETURN(
        result,
        ParseResult(absl::StrCat("CNI plugin ", call.paths[i], " ADD"), out));
    prev = ResultJsonForVersion(result, call.list.cni_version);
  }
  return result;
}

absl::StatusOr<Result> Network::Add(const Attachment& a) const {
  RETURN_IF_ERROR(NeedsNetns(a, "ADD"));
  ASSIGN_OR_RETURN(Call call, MakeCall("ADD", config_, a));
  auto result = AddAll(call);
  if (result.ok()) {
    CacheEntry entry{config_.list, a.cni_args, a.runtime_config, result->json};
    absl::Status cached = cache_.Write(Key(a), entry);
    if (cached.ok()) return result;
    result = cached;  // an ADD nobody can find to undo is undone now
  }
  Rollback(call);
  return Annotate(result.status(), call.What());
}

void Network::Rollback(const Call& add) const {
  Call del = add;
  del.command = "DEL";
  for (size_t i = del.paths.size(); i-- > 0;) {
    auto done = Run(del, i, Json());
    if (!done.ok()) {
      LOG(WARNING) << del.What()
                   << ", undoing a failed ADD: " << done.status().message();
    }
  }
  absl::Status removed = cache_.Remove(Key(add.attachment));
  if (!removed.ok()) LOG(WARNING) << removed.message();
}

absl::Status Network::DelAll(const Call& call, const Json& prev) const {
  for (size_t i = call.paths.size(); i-- > 0;) {
    auto done = Run(call, i, prev);
    if (done.ok()) continue;
    if (!AlreadyGone(done.status())) return done.status();
    VLOG(1) << call.What() << ": taken as done: " << done.status().message();
  }
  return absl::OkStatus();
}

absl::Status Network::Del(const Attachment& a) const {
  RETURN_IF_ERROR(cache_.Path(Key(a)).status());
  auto cached = cache_.Read(Key(a));
  if (!cached.ok()) {
    LOG(WARNING) << "CNI DEL for container " << a.container_id
                 << " without its cache: " << cached.status().message();
  }
  NetworkConfig config = config_;
  Attachment effective = a;
  Json prev;
  if (cached.ok() && cached->has_value()) {
    const CacheEntry& entry = **cached;
    auto parsed =
        ParseNetworkConfig(*cache_.Path(Key(a)), DumpJson(entry.config));
    if (parsed.ok()) {
      config = std::move(*parsed);
      effective.cni_args = entry.cni_args;
      effective.runtime_config = entry.runtime_config;
      prev = PrevResult(entry.result, config.cni_version);
    } else {
      LOG(WARNING) << parsed.status().message();
    }
  }
  ASSIGN_OR_RETURN(Call call, MakeCall("DEL", config, effective));
  RETURN_IF_ERROR(Annotate(DelAll(call, prev), call.What()));
  return cache_.Remove(Key(a));
}

absl::Status Network::Check(const Attachment& a) const {
  if (!VersionAtLeast(config_.cni_version, "0.4.0")) {
    return absl::FailedPreconditionError(
        absl::StrCat("CNI network ", config_.name, ": cniVersion \"",
                     config_.cni_version, "\" has no CHECK (0.4.0 and later)"));
  }
  if (CheckDisabled(config_.list)) return absl::OkStatus();
  RETURN_IF_ERROR(NeedsNetns(a, "CHECK"));
  auto cached = CachedResult(a);
  if (absl::IsNotFound(cached.status())) {
    return absl::FailedPreconditionError(cached.status().message());
  }
  if (!cached.ok()) return cached.status();
  ASSIGN_OR_RETURN(Call call, MakeCall("CHECK", config_, a));
  Json prev = ResultJsonForVersion(*cached, config_.cni_version);
  for (size_t i = 0; i < call.paths.size(); ++i) {
    RETURN_IF_ERROR(Annotate(Run(call, i, prev).status(), call.What()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> Network::CachedResult(const Attachment& a) const {
  ASSIGN_OR_RETURN(std::optional<CacheEntry> entry, cache_.Read(Key(a)));
  if (!entry.has_value() || entry->result.is_null()) {
    return absl::NotFoundError(absl::StrCat(
        "CNI network ", config_.name, ": no cached result for container ",
        a.container_id, " (", a.ifname, ")"));
  }
  ASSIGN_OR_RETURN(std::string path, cache_.Path(Key(a)));
  return ParseResultJson(absl::StrCat("the CNI result cache ", path),
                         entry->result);
}

}  // namespace crisp::cni
