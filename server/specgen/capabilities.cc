#include "server/specgen/capabilities.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

// linux/capability.h, by number (0 .. CAP_LAST_CAP of kernel 5.9+).
constexpr const char* kNames[] = {"CHOWN",
                                  "DAC_OVERRIDE",
                                  "DAC_READ_SEARCH",
                                  "FOWNER",
                                  "FSETID",
                                  "KILL",
                                  "SETGID",
                                  "SETUID",
                                  "SETPCAP",
                                  "LINUX_IMMUTABLE",
                                  "NET_BIND_SERVICE",
                                  "NET_BROADCAST",
                                  "NET_ADMIN",
                                  "NET_RAW",
                                  "IPC_LOCK",
                                  "IPC_OWNER",
                                  "SYS_MODULE",
                                  "SYS_RAWIO",
                                  "SYS_CHROOT",
                                  "SYS_PTRACE",
                                  "SYS_PACCT",
                                  "SYS_ADMIN",
                                  "SYS_BOOT",
                                  "SYS_NICE",
                                  "SYS_RESOURCE",
                                  "SYS_TIME",
                                  "SYS_TTY_CONFIG",
                                  "MKNOD",
                                  "LEASE",
                                  "AUDIT_WRITE",
                                  "AUDIT_CONTROL",
                                  "SETFCAP",
                                  "MAC_OVERRIDE",
                                  "MAC_ADMIN",
                                  "SYSLOG",
                                  "WAKE_ALARM",
                                  "BLOCK_SUSPEND",
                                  "AUDIT_READ",
                                  "PERFMON",
                                  "BPF",
                                  "CHECKPOINT_RESTORE"};
constexpr int kKnown = sizeof(kNames) / sizeof(kNames[0]);

bool IsAll(const std::string& name) {
  return absl::EqualsIgnoreCase(name, "ALL");
}

void Add(std::vector<std::string>& set, const std::string& cap) {
  if (std::find(set.begin(), set.end(), cap) == set.end()) set.push_back(cap);
}

void Remove(std::vector<std::string>& set, const std::string& cap) {
  set.erase(std::remove(set.begin(), set.end(), cap), set.end());
}

absl::StatusOr<std::vector<std::string>> Names(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& n : in) {
    if (IsAll(n)) continue;
    ASSIGN_OR_RETURN(std::string name, CapabilityName(n));
    out.push_back(std::move(name));
  }
  return out;
}

// containerd's order: "ALL" first, so that add ALL + drop X means all
// but X, and drop ALL + add X means only X.
absl::Status AddDrop(const v1::Capability& c, std::vector<std::string>& set) {
  ASSIGN_OR_RETURN(std::vector<std::string> add, Names(c.add_capabilities()));
  ASSIGN_OR_RETURN(std::vector<std::string> drop, Names(c.drop_capabilities()));
  auto any_all = [](const auto& list) {
    return std::any_of(list.begin(), list.end(), IsAll);
  };
  if (any_all(c.add_capabilities())) set = AllCapabilities();
  if (any_all(c.drop_capabilities())) set.clear();
  for (const std::string& a : add) Add(set, a);
  for (const std::string& d : drop) Remove(set, d);
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> DefaultCapabilities() {
  return {"CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE"};
}

std::vector<std::string> CapabilitiesIn(uint64_t mask) {
  std::vector<std::string> out;
  for (int i = 0; i < kKnown; ++i) {
    if (mask & (uint64_t{1} << i))
      out.push_back(absl::StrCat("CAP_", kNames[i]));
  }
  return out;
}

std::vector<std::string> AllCapabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    uint64_t mask = 0;
    if (absl::StartsWith(line, "CapEff:") &&
        absl::SimpleHexAtoi(absl::StripAsciiWhitespace(line.substr(7)),
                            &mask)) {
      return CapabilitiesIn(mask);
    }
  }
  return {};
}

absl::StatusOr<std::string> CapabilityName(absl::string_view name) {
  std::string upper = absl::AsciiStrToUpper(name);
  if (absl::StartsWith(upper, "CAP_")) upper = upper.substr(4);
  for (const char* known : kNames) {
    if (upper == known) return absl::StrCat("CAP_", known);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("capability \"", name, "\": unknown capability"));
}

absl::StatusOr<runtime::oci::Capabilities> BuildCapabilities(
    const v1::LinuxContainerSecurityContext& sc, uint32_t uid) {
  std::vector<std::string> set = DefaultCapabilities();
  RETURN_IF_ERROR(AddDrop(sc.capabilities(), set));
  if (sc.privileged()) set = AllCapabilities();
  const auto& requested = sc.capabilities().add_ambient_capabilities();
  if (std::any_of(requested.begin(), requested.end(), IsAll)) {
    return absl::InvalidArgumentError(
        "add_ambient_capabilities: \"ALL\" is not allowed; name each one");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> ambient, Names(requested));
  for (const std::string& a : ambient) Add(set, a);
  runtime::oci::Capabilities caps;
  caps.bounding = set;
  caps.permitted = uid == 0 ? set : ambient;
  caps.effective = caps.permitted;
  caps.inheritable = ambient;
  caps.ambient = ambient;
  return caps;
}

}  // namespace crisp::server::specgen
