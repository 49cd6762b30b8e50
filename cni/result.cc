#include "cni/result.h"

#include <arpa/inet.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cni/version.h"
#include "common/json.h"
#include "common/status.h"

namespace crisp::cni {
namespace {

using json::Json;

// Versions whose result has the 0.2.0 shape; "" is how libcni reads a
// result without cniVersion.
bool IsLegacy(absl::string_view v) {
  return v.empty() || v == "0.1.0" || v == "0.2.0";
}

bool IsCurrent(absl::string_view v) {
  return v == "0.3.0" || v == "0.3.1" || v == "0.4.0" || v == "1.0.0" ||
         v == "1.1.0";
}

class Parser {
 public:
  explicit Parser(absl::string_view source) : source_(source) {}

  absl::Status Bad(absl::string_view field, absl::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrCat("CNI result of ", source_, ": ", field, ": ", why));
  }

  // Names the object at `path` ("" for the result itself) in messages.
  std::string What(absl::string_view path) const {
    return absl::StrCat("CNI result of ", source_, path.empty() ? "" : ": ",
                        path);
  }

  // `out` gets the string at `key` of the object at `path`, if present.
  absl::Status String(const Json& obj, const char* key, absl::string_view path,
                      std::string& out) const {
    ASSIGN_OR_RETURN(auto v, json::GetString(obj, key, What(path)));
    if (v.has_value()) out = *std::move(v);
    return absl::OkStatus();
  }

  absl::Status Strings(const Json& obj, const char* key, absl::string_view path,
                       std::vector<std::string>& out) const {
    ASSIGN_OR_RETURN(auto v, json::GetStringList(obj, key, What(path)));
    if (v.has_value()) out = *std::move(v);
    return absl::OkStatus();
  }

  // `obj[key]` as an array of objects; an empty array when absent.
  absl::StatusOr<Json> Objects(const Json& obj, const char* key,
                               const std::string& field) const {
    const Json* v = json::Find(obj, key);
    if (v == nullptr) return Json::array();
    if (!v->is_array()) {
      return Bad(field,
                 absl::StrCat("expected an array, got ", v->type_name()));
    }
    for (const auto& e : *v) {
      if (!e.is_object()) return Bad(field, "entries must be objects");
    }
    return *v;
  }

  absl::Status Ip(const std::string& value, const std::string& field) const {
    unsigned char buf[16];
    if (::inet_pton(AF_INET, value.c_str(), buf) == 1 ||
        ::inet_pton(AF_INET6, value.c_str(), buf) == 1) {
      return absl::OkStatus();
    }
    return Bad(field, absl::StrCat("\"", value, "\" is not an IP address"));
  }

  absl::Status Cidr(const std::string& value, const std::string& field) const {
    auto slash = value.find('/');
    int bits = -1, max = value.find(':') == std::string::npos ? 32 : 128;
    if (slash == std::string::npos ||
        !absl::SimpleAtoi(value.substr(slash + 1), &bits) || bits < 0 ||
        bits > max || !Ip(value.substr(0, slash), field).ok()) {
      return Bad(field, absl::StrCat("\"", value,
                                     "\" is not an address in CIDR notation"));
    }
    return absl::OkStatus();
  }

  absl::Status Interfaces(const Json& j, Result& r) const;
  absl::Status Ips(const Json& j, Result& r) const;
  absl::Status Routes(const Json& j, const std::string& field, Result& r) const;
  absl::Status Dns(const Json& j, Result& r) const;
  absl::Status Legacy(const Json& j, Result& r) const;

 private:
  std::string source_;
};

absl::Status Parser::Interfaces(const Json& j, Result& r) const {
  ASSIGN_OR_RETURN(Json list, Objects(j, "interfaces", "interfaces"));
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = absl::StrCat("interfaces[", i, "]");
    Interface iface;
    RETURN_IF_ERROR(String(list[i], "name", field, iface.name));
    RETURN_IF_ERROR(String(list[i], "mac", field, iface.mac));
    RETURN_IF_ERROR(String(list[i], "sandbox", field, iface.sandbox));
    if (iface.name.empty()) return Bad(field + ".name", "missing");
    r.interfaces.push_back(std::move(iface));
  }
  return absl::OkStatus();
}

absl::Status Parser::Ips(const Json& j, Result& r) const {
  ASSIGN_OR_RETURN(Json list, Objects(j, "ips", "ips"));
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = absl::StrCat("ips[", i, "]");
    IpConfig ip;
    RETURN_IF_ERROR(String(list[i], "address", field, ip.address));
    RETURN_IF_ERROR(Cidr(ip.address, field + ".address"));
    RETURN_IF_ERROR(String(list[i], "gateway", field, ip.gateway));
    if (!ip.gateway.empty())
      RETURN_IF_ERROR(Ip(ip.gateway, field + ".gateway"));
    if (const Json* index = json::Find(list[i], "interface")) {
      if (!index->is_number_unsigned() ||
          index->get<uint64_t>() >= r.interfaces.size()) {
        return Bad(field + ".interface",
                   absl::StrCat("must index interfaces (", r.interfaces.size(),
                                " of them), is ", index->dump()));
      }
      ip.interface = index->get<size_t>();
    }
    r.ips.push_back(std::move(ip));
  }
  return absl::OkStatus();
}

absl::Status Parser::Routes(const Json& j, const std::string& field,
                            Result& r) const {
  ASSIGN_OR_RETURN(Json list, Objects(j, "routes", field));
  for (size_t i = 0; i < list.size(); ++i) {
    std::string entry = absl::StrCat(field, "[", i, "]");
    Route route;
    RETURN_IF_ERROR(String(list[i], "dst", entry, route.dst));
    RETURN_IF_ERROR(Cidr(route.dst, entry + ".dst"));
    RETURN_IF_ERROR(String(list[i], "gw", entry, route.gw));
    if (!route.gw.empty()) RETURN_IF_ERROR(Ip(route.gw, entry + ".gw"));
    r.routes.push_back(std::move(route));
  }
  return absl::OkStatus();
}

absl::Status Parser::Dns(const Json& j, Result& r) const {
  ASSIGN_OR_RETURN(const Json* dns, json::GetObject(j, "dns", What("")));
  if (dns == nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(Strings(*dns, "nameservers", "dns", r.dns.nameservers));
  RETURN_IF_ERROR(String(*dns, "domain", "dns", r.dns.domain));
  RETURN_IF_ERROR(Strings(*dns, "search", "dns", r.dns.search));
  return Strings(*dns, "options", "dns", r.dns.options);
}

// 0.1.0/0.2.0: {"ip4": {"ip", "gateway", "routes"}, "ip6": {...}, "dns"},
// converted as libcni's types040 conversion does: no interfaces, ips
// without an interface index, the routes of both families.
absl::Status Parser::Legacy(const Json& j, Result& r) const {
  for (const char* family : {"ip4", "ip6"}) {
    ASSIGN_OR_RETURN(const Json* ip, json::GetObject(j, family, What("")));
    if (ip == nullptr) continue;
    IpConfig config;
    RETURN_IF_ERROR(String(*ip, "ip", family, config.address));
    std::string field = absl::StrCat(family, ".ip");
    RETURN_IF_ERROR(Cidr(config.address, field));
    RETURN_IF_ERROR(String(*ip, "gateway", family, config.gateway));
    field = absl::StrCat(family, ".gateway");
    if (!config.gateway.empty()) RETURN_IF_ERROR(Ip(config.gateway, field));
    r.ips.push_back(std::move(config));
    RETURN_IF_ERROR(Routes(*ip, absl::StrCat(family, ".routes"), r));
  }
  return Dns(j, r);
}

Json RenderIp(const IpConfig& ip) {
  Json j = {{"address", ip.address}};
  if (!ip.gateway.empty()) j["gateway"] = ip.gateway;
  if (ip.interface) j["interface"] = *ip.interface;
  return j;
}

// The current shape built from the parsed fields (for 0.2.0 results).
Json Render(const Result& r) {
  Json j = {{"interfaces", Json::array()},
            {"ips", Json::array()},
            {"routes", Json::array()}};
  for (const auto& i : r.interfaces) {
    j["interfaces"].push_back(
        {{"name", i.name}, {"mac", i.mac}, {"sandbox", i.sandbox}});
  }
  for (const auto& ip : r.ips) j["ips"].push_back(RenderIp(ip));
  for (const auto& route : r.routes) {
    Json e = {{"dst", route.dst}};
    if (!route.gw.empty()) e["gw"] = route.gw;
    j["routes"].push_back(std::move(e));
  }
  const auto& d = r.dns;
  if (d.nameservers.empty() && d.domain.empty() && d.search.empty() &&
      d.options.empty()) {
    return j;
  }
  j["dns"] = {{"nameservers", d.nameservers},
              {"domain", d.domain},
              {"search", d.search},
              {"options", d.options}};
  return j;
}

}  // namespace

absl::StatusOr<Result> ParseResultJson(absl::string_view source,
                                       const nlohmann::json& json) {
  Parser p(source);
  if (!json.is_object()) return p.Bad("result", "not a JSON object");
  Result r;
  RETURN_IF_ERROR(p.String(json, "cniVersion", "", r.cni_version));
  if (IsLegacy(r.cni_version)) {
    RETURN_IF_ERROR(p.Legacy(json, r));
  } else if (IsCurrent(r.cni_version)) {
    RETURN_IF_ERROR(p.Interfaces(json, r));
    RETURN_IF_ERROR(p.Ips(json, r));
    RETURN_IF_ERROR(p.Routes(json, "routes", r));
    RETURN_IF_ERROR(p.Dns(json, r));
  } else {
    return p.Bad("cniVersion",
                 absl::StrCat("unsupported version \"", r.cni_version, "\""));
  }
  r.json = json;
  return r;
}

absl::StatusOr<Result> ParseResult(absl::string_view source,
                                   absl::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return Parser(source).Bad(
        "result", absl::StrCat("not JSON: \"", text.substr(0, 200), "\""));
  }
  return ParseResultJson(source, j);
}

nlohmann::json ResultJsonForVersion(const Result& result,
                                    absl::string_view version) {
  if (version == result.cni_version || IsLegacy(version)) return result.json;
  Json j = IsLegacy(result.cni_version) ? Render(result) : result.json;
  j["cniVersion"] = version;
  bool with_ip_version = !VersionAtLeast(version, "1.0.0");
  auto ips = j.find("ips");
  if (ips == j.end() || !ips->is_array()) return j;
  for (size_t i = 0; i < ips->size() && i < result.ips.size(); ++i) {
    const std::string& address = result.ips[i].address;
    if (with_ip_version) {
      (*ips)[i]["version"] = address.find(':') == std::string::npos ? "4" : "6";
    } else {
      (*ips)[i].erase("version");
    }
  }
  return j;
}

std::vector<std::string> PodIps(const Result& result) {
  std::vector<std::string> v4, v6;
  for (const auto& ip : result.ips) {
    if (ip.interface && (*ip.interface >= result.interfaces.size() ||
                         result.interfaces[*ip.interface].sandbox.empty())) {
      continue;
    }
    std::string address = ip.address.substr(0, ip.address.find('/'));
    (address.find(':') == std::string::npos ? v4 : v6).push_back(address);
  }
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4;
}

}  // namespace crisp::cni
