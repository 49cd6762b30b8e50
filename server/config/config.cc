#include "server/config/config.h"
#include "absl/strings/string_view.h"

#include <arpa/inet.h>
#include <toml++/toml.h>
#include <limits>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/logging.h"
#include "common/status.h"

namespace crisp::server {
namespace {

// Reads typed keys of one TOML table and reports, by full dotted name,
// keys of the wrong type and keys nobody asked for.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix)
      : table_(table), prefix_(std::move(prefix)) {}

  absl::Status String(const char* key, std::string* out) {
    return Read<std::string>(key, "a string", out);
  }
  // TOML integers are 64-bit: one that does not fit an int is refused here,
  // before a cast could wrap it into a valid-looking value (2^32 → 0).
  absl::Status Int(const char* key, int* out) {
    int64_t v = *out;
    RETURN_IF_ERROR(Read<int64_t>(key, "an integer", &v));
    if (v < std::numeric_limits<int>::min() ||
        v > std::numeric_limits<int>::max()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config key ", Name(key), ": ", v, " is out of range"));
    }
    *out = static_cast<int>(v);
    return absl::OkStatus();
  }
  // A count or size: 0 or more.
  absl::Status Count(const char* key, uint64_t* out) {
    int64_t v = static_cast<int64_t>(*out);
    RETURN_IF_ERROR(Read<int64_t>(key, "an integer", &v));
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("config key ", Name(key), ": ", v, " is negative"));
    }
    *out = static_cast<uint64_t>(v);
    return absl::OkStatus();
  }
  absl::Status Bool(const char* key, bool* out) {
    return Read<bool>(key, "a boolean", out);
  }
  absl::Status Strings(const char* key, std::vector<std::string>* out);
  // The sub-table at `key`, or nullptr when absent.
  absl::StatusOr<const toml::table*> Table(const char* key);
  absl::Status CheckNoUnknownKeys() const;
  std::string Name(absl::string_view key) const {
    return prefix_.empty() ? std::string(key) : absl::StrCat(prefix_, ".", key);
  }

 private:
  template <typename T>
  absl::Status Read(const char* key, const char* what, T* out) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) return absl::OkStatus();
    // value_exact: value<T>() would convert a float to an integer, which is
    // undefined for one out of range (1e300 for a port).
    if (!node->is<T>()) return WrongType(key, what);
    auto v = node->value_exact<T>();
    if (!v) return WrongType(key, what);
    *out = *v;
    return absl::OkStatus();
  }
  absl::Status WrongType(const char* key, const char* what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("config key ", Name(key), ": must be ", what));
  }

  const toml::table& table_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

absl::Status TableReader::Strings(const char* key,
                                  std::vector<std::string>* out) {
  seen_.insert(key);
  const toml::node* node = table_.get(key);
  if (node == nullptr) return absl::OkStatus();
  const toml::array* arr = node->as_array();
  if (arr == nullptr) return WrongType(key, "an array of strings");
  std::vector<std::string> values;
  for (const auto& item : *arr) {
    auto s = item.value_exact<std::string>();
    if (!s) return WrongType(key, "an array of strings");
    values.push_back(*s);
  }
  *out = std::move(values);
  return absl::OkStatus();
}

absl::StatusOr<const toml::table*> TableReader::Table(const char* key) {
  seen_.insert(key);
  const toml::node* node = table_.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) return WrongType(key, "a table");
  return node->as_table();
}

absl::Status TableReader::CheckNoUnknownKeys() const {
  for (const auto& [key, node] : table_) {
    if (!seen_.contains(std::string(key.str()))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key ", Name(std::string(key.str())), ": unknown key"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadRegistry(const toml::table& t, const std::string& name,
                          RegistryConfig* r) {
  TableReader reader(t, name);
  RETURN_IF_ERROR(reader.Strings("mirrors", &r->mirrors));
  RETURN_IF_ERROR(reader.Bool("plain_http", &r->plain_http));
  RETURN_IF_ERROR(
      reader.Bool("insecure_skip_verify", &r->insecure_skip_verify));
  RETURN_IF_ERROR(reader.String("ca_file", &r->ca_file));
  RETURN_IF_ERROR(reader.String("cert_file", &r->cert_file));
  RETURN_IF_ERROR(reader.String("key_file", &r->key_file));
  for (const auto& m : r->mirrors) {
    if (!absl::StartsWith(m, "http://") && !absl::StartsWith(m, "https://")) {
      return absl::InvalidArgumentError(
          absl::StrCat("config key ", name, ".mirrors: \"", m,
                       "\" must start with http:// or https://"));
    }
  }
  return reader.CheckNoUnknownKeys();
}

absl::Status ReadRegistries(const toml::table* t, Config* c) {
  if (t == nullptr) return absl::OkStatus();
  for (const auto& [host, node] : *t) {
    std::string name =
        absl::StrCat("registries.\"", std::string(host.str()), "\"");
    if (!node.is_table()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config key ", name, ": must be a table"));
    }
    RETURN_IF_ERROR(ReadRegistry(*node.as_table(), name,
                                 &c->registries[std::string(host.str())]));
  }
  return absl::OkStatus();
}

absl::Status ReadSections(TableReader& top, Config* c) {
  ASSIGN_OR_RETURN(const toml::table* runtime, top.Table("runtime"));
  if (runtime != nullptr) {
    TableReader r(*runtime, "runtime");
    RETURN_IF_ERROR(r.String("cgroup_driver", &c->runtime.cgroup_driver));
    RETURN_IF_ERROR(r.String("helper_dir", &c->runtime.helper_dir));
    RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  }
  ASSIGN_OR_RETURN(const toml::table* cni, top.Table("cni"));
  if (cni != nullptr) {
    TableReader r(*cni, "cni");
    RETURN_IF_ERROR(r.String("conf_dir", &c->cni.conf_dir));
    RETURN_IF_ERROR(r.Strings("bin_dirs", &c->cni.bin_dirs));
    RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  }
  ASSIGN_OR_RETURN(const toml::table* image, top.Table("image"));
  if (image != nullptr) {
    TableReader r(*image, "image");
    RETURN_IF_ERROR(r.String("sandbox_image", &c->image.sandbox_image));
    RETURN_IF_ERROR(
        r.Int("max_concurrent_downloads", &c->image.max_concurrent_downloads));
    RETURN_IF_ERROR(
        r.Int("stall_timeout_seconds", &c->image.stall_timeout_seconds));
    RETURN_IF_ERROR(r.Int("low_speed_bytes_per_second",
                          &c->image.low_speed_bytes_per_second));
    RETURN_IF_ERROR(
        r.Int("low_speed_time_seconds", &c->image.low_speed_time_seconds));
    RETURN_IF_ERROR(r.Count("max_layer_bytes", &c->image.max_layer_bytes));
    RETURN_IF_ERROR(r.Count("max_layer_entries", &c->image.max_layer_entries));
    RETURN_IF_ERROR(
        r.Count("max_layer_directories", &c->image.max_layer_directories));
    RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  }
  ASSIGN_OR_RETURN(const toml::table* streaming, top.Table("streaming"));
  if (streaming != nullptr) {
    TableReader r(*streaming, "streaming");
    RETURN_IF_ERROR(r.String("address", &c->streaming.address));
    RETURN_IF_ERROR(r.Int("port", &c->streaming.port));
    RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  }
  ASSIGN_OR_RETURN(const toml::table* registries, top.Table("registries"));
  return ReadRegistries(registries, c);
}

absl::Status ValidateStreaming(const Config::Streaming& s) {
  in6_addr ip;
  if (inet_pton(AF_INET, s.address.c_str(), &ip) != 1 &&
      inet_pton(AF_INET6, s.address.c_str(), &ip) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("config key streaming.address: \"", s.address,
                     "\" must be an IP address"));
  }
  if (s.port < 0 || s.port > 65535) {
    return absl::InvalidArgumentError(
        "config key streaming.port: must be between 0 and 65535");
  }
  return absl::OkStatus();
}

absl::Status RequireAbsolute(const char* key, const std::string& path) {
  if (absl::StartsWith(path, "/")) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "config key ", key, ": \"", path, "\" must be an absolute path"));
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::string& text,
                                   const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return absl::InvalidArgumentError(
        absl::StrCat("config ", origin, ":", where.line, ":", where.column,
                     ": ", std::string(e.description())));
  }
  Config c;
  TableReader top(table, "");
  RETURN_IF_ERROR(top.String("address", &c.address));
  RETURN_IF_ERROR(top.String("root", &c.root));
  RETURN_IF_ERROR(top.String("state", &c.state));
  RETURN_IF_ERROR(top.String("log_level", &c.log_level));
  RETURN_IF_ERROR(
      top.Int("shutdown_timeout_seconds", &c.shutdown_timeout_seconds));
  RETURN_IF_ERROR(ReadSections(top, &c));
  RETURN_IF_ERROR(top.CheckNoUnknownKeys());
  return c;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Annotate(text.status(), "config file");
  return ParseConfig(*text, path);
}

absl::Status ValidateConfig(const Config& c) {
  if (!absl::StartsWith(c.address, "unix:///")) {
    return absl::InvalidArgumentError(
        absl::StrCat("config key address: \"", c.address,
                     "\" must be unix:///absolute/path"));
  }
  RETURN_IF_ERROR(RequireAbsolute("root", c.root));
  RETURN_IF_ERROR(RequireAbsolute("state", c.state));
  RETURN_IF_ERROR(RequireAbsolute("cni.conf_dir", c.cni.conf_dir));
  for (const auto& d : c.cni.bin_dirs) {
    RETURN_IF_ERROR(RequireAbsolute("cni.bin_dirs", d));
  }
  RETURN_IF_ERROR(
      Annotate(ValidateLogLevel(c.log_level), "config key log_level"));
  if (c.shutdown_timeout_seconds < 0 || c.shutdown_timeout_seconds > 3600) {
    return absl::InvalidArgumentError(
        "config key shutdown_timeout_seconds: must be between 0 and 3600");
  }
  if (c.runtime.cgroup_driver != "cgroupfs") {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key runtime.cgroup_driver: \"", c.runtime.cgroup_driver,
        "\" is not supported (only \"cgroupfs\" is implemented)"));
  }
  if (c.image.max_concurrent_downloads < 1 ||
      c.image.max_concurrent_downloads > 64) {
    return absl::InvalidArgumentError(
        "config key image.max_concurrent_downloads: must be between 1 and 64");
  }
  if (c.image.stall_timeout_seconds < 1 ||
      c.image.stall_timeout_seconds > 3600) {
    return absl::InvalidArgumentError(
        "config key image.stall_timeout_seconds: must be between 1 and 3600");
  }
  if (c.image.low_speed_bytes_per_second < 0) {
    return absl::InvalidArgumentError(
        "config key image.low_speed_bytes_per_second: must be 0 or more");
  }
  if (c.image.low_speed_time_seconds < 1 ||
      c.image.low_speed_time_seconds > 3600) {
    return absl::InvalidArgumentError(
        "config key image.low_speed_time_seconds: must be between 1 and 3600");
  }
  return ValidateStreaming(c.streaming);
}

nlohmann::json ConfigToJson(const Config& c) {
  nlohmann::json registries = nlohmann::json::object();
  for (const auto& [host, r] : c.registries) {
    registries[host] = {{"mirrors", r.mirrors},
                        {"plain_http", r.plain_http},
                        {"insecure_skip_verify", r.insecure_skip_verify},
                        {"ca_file", r.ca_file},
                        {"cert_file", r.cert_file},
                        {"key_file", r.key_file}};
  }
  return {
      {"address", c.address},
      {"root", c.root},
      {"state", c.state},
      {"log_level", c.log_level},
      {"shutdown_timeout_seconds", c.shutdown_timeout_seconds},
      {"runtime",
       {{"cgroup_driver", c.runtime.cgroup_driver},
        {"helper_dir", c.runtime.helper_dir}}},
      {"cni", {{"conf_dir", c.cni.conf_dir}, {"bin_dirs", c.cni.bin_dirs}}},
      {"image",
       {{"sandbox_image", c.image.sandbox_image},
        {"max_concurrent_downloads", c.image.max_concurrent_downloads},
        {"stall_timeout_seconds", c.image.stall_timeout_seconds},
        {"low_speed_bytes_per_second", c.image.low_speed_bytes_per_second},
        {"low_speed_time_seconds", c.image.low_speed_time_seconds},
        {"max_layer_bytes", c.image.max_layer_bytes},
        {"max_layer_entries", c.image.max_layer_entries},
        {"max_layer_directories", c.image.max_layer_directories}}},
      {"streaming",
       {{"address", c.streaming.address}, {"port", c.streaming.port}}},
      {"registries", registries},
  };
}

}  // namespace crisp::server
