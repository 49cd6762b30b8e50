#include "server/specgen/security.h"

namespace crisp::server::specgen {
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
                      runtime::oci::Linux& linux) {
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

}  // namespace crisp::server::specgen
