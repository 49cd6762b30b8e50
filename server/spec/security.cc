#include "server/spec/security.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crisp::server::spec {
namespace {

constexpr char kLocalhostPrefix[] = "localhost/";

absl::StatusOr<std::string> LocalhostProfile(const std::string& ref) {
  std::string name = ref;
  if (absl::StartsWith(name, kLocalhostPrefix)) {
    name = name.substr(sizeof(kLocalhostPrefix) - 1);
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "apparmor: a Localhost profile needs a profile name");
  }
  return name;
}

// CRI keeps the string form for older kubelets: reading it is deliberate.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::string& ProfileString(const v1::LinuxContainerSecurityContext& sc) {
  return sc.apparmor_profile();
}
#pragma GCC diagnostic pop

}  // namespace

std::vector<std::string> DefaultMaskedPaths() {
  return {"/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap"};
}

std::vector<std::string> DefaultReadonlyPaths() {
  return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
          "/proc/sysrq-trigger"};
}

void ApplyMaskedPaths(const v1::LinuxContainerSecurityContext& sc,
                      runtime::spec::Linux& linux) {
  linux.masked_paths.clear();
  linux.readonly_paths.clear();
  if (sc.privileged()) return;
  linux.masked_paths.assign(sc.masked_paths().begin(), sc.masked_paths().end());
  if (linux.masked_paths.empty()) linux.masked_paths = DefaultMaskedPaths();
  linux.readonly_paths.assign(sc.readonly_paths().begin(),
                              sc.readonly_paths().end());
  if (linux.readonly_paths.empty()) {
    linux.readonly_paths = DefaultReadonlyPaths();
  }
}

absl::StatusOr<std::string> AppArmorProfile(
    const v1::LinuxContainerSecurityContext& sc) {
  if (sc.privileged()) return std::string();
  if (sc.has_apparmor()) {
    switch (sc.apparmor().profile_type()) {
      case v1::SecurityProfile::RuntimeDefault:
      case v1::SecurityProfile::Unconfined:
        return std::string();
      case v1::SecurityProfile::Localhost:
        return LocalhostProfile(sc.apparmor().localhost_ref());
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "apparmor: unknown profile type ", sc.apparmor().profile_type()));
    }
  }
  const std::string& p = ProfileString(sc);
  if (p.empty() || p == "runtime/default" || p == "unconfined") {
    return std::string();
  }
  if (absl::StartsWith(p, kLocalhostPrefix)) return LocalhostProfile(p);
  return absl::InvalidArgumentError(absl::StrCat(
      "apparmor_profile \"", p,
      "\": expected runtime/default, unconfined or localhost/<name>"));
}

}  // namespace crisp::server::spec
