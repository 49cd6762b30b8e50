// The result a CNI plugin prints for ADD. Versions 0.3.0 to 1.x share one
// shape (interfaces, ips, routes, dns); 0.1.0/0.2.0 results (ip4/ip6
// objects) are converted to it, as libcni's convert functions do.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace crisp::cni {

struct Interface {
  std::string name;
  std::string mac;
  std::string sandbox;  // netns path; empty for a host-side interface
};

struct IpConfig {
  std::string address;              // CIDR, "10.88.0.5/16"
  std::string gateway;              // may be empty
  std::optional<size_t> interface;  // index into Result::interfaces
};

struct Route {
  std::string dst;  // CIDR
  std::string gw;   // may be empty
};

struct Dns {
  std::vector<std::string> nameservers;
  std::string domain;
  std::vector<std::string> search;
  std::vector<std::string> options;
};

struct Result {
  std::string cni_version;
  std::vector<Interface> interfaces;
  std::vector<IpConfig> ips;
  std::vector<Route> routes;
  Dns dns;
  // The result as the plugin printed it: the next plugin's prevResult and
  // what the cache keeps, with any fields this struct does not model.
  nlohmann::json json;
};

// Parses and validates a plugin's ADD output. `source` names the producer
// in errors ("CNI plugin /usr/lib/cni/bridge"); every malformation is
// InvalidArgument naming it and the field.
[[nodiscard]] absl::StatusOr<Result> ParseResult(absl::string_view source,
                                                 absl::string_view text);
[[nodiscard]] absl::StatusOr<Result> ParseResultJson(
    absl::string_view source, const nlohmann::json& json);

// The result in the shape of spec `version`, for a plugin of a list whose
// version differs from the result's: "cniVersion" replaced, ips' "version"
// added below 1.0.0 and dropped from 1.0.0 on, 0.1.0/0.2.0 results rebuilt
// from the parsed fields. Targets below 0.3.0 get the JSON unchanged.
nlohmann::json ResultJsonForVersion(const Result& result,
                                    absl::string_view version);

// The pod's addresses without prefix length, IPv4 first, then IPv6, each in
// result order: the ips on an interface inside a sandbox (the pod's eth0,
// not the host veth or bridge), and those with no interface index, which
// containerd's go-cni attributes to the pod's interface too.
std::vector<std::string> PodIps(const Result& result);

}  // namespace crisp::cni
