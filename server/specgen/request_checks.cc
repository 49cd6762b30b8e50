#include "server/specgen/request_checks.h"

#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

// Each of these is a hard kernel limit (cpu.cfs_period_us and cpu.max
// refuse anything outside; a quota below 1 ms is refused too).
constexpr int64_t kMinCpuPeriod = 1000;
constexpr int64_t kMaxCpuPeriod = 1000000;
constexpr int64_t kMinCpuQuota = 1000;
constexpr int64_t kMaxCpuShares = 262144;
// Above any CONFIG_NR_CPUS; keeps a hostile range from meaning billions.
constexpr uint32_t kMaxCpuIndex = 65535;

absl::Status Invalid(absl::string_view field, absl::string_view value,
                     absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " \"", absl::CHexEscape(value), "\": ", why));
}

bool HasDotDot(absl::string_view path) {
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part == "..") return true;
  }
  return false;
}

absl::Status CheckPathString(absl::string_view field, absl::string_view path) {
  if (path.find('\0') != absl::string_view::npos) {
    return Invalid(field, path, "contains a NUL byte");
  }
  if (HasDotDot(path)) {
    return Invalid(field, path, "must not contain \"..\" components");
  }
  return absl::OkStatus();
}

absl::Status CheckUnifiedKey(absl::string_view key) {
  if (key.empty() || key == "." || key == ".." ||
      key.find_first_of(absl::string_view("/\0", 2)) !=
          absl::string_view::npos) {
    return Invalid("resources.unified key", key,
                   "must be a cgroup file name without \"/\"");
  }
  return absl::OkStatus();
}

bool ParseCpuIndex(absl::string_view s, uint32_t* out) {
  if (s.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  return absl::SimpleAtoi(s, out) && *out <= kMaxCpuIndex;
}

// The kernel's list format: "0-3,5,7-8" (an empty list means unset).
bool IsCpuList(absl::string_view list) {
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    std::vector<absl::string_view> ends = absl::StrSplit(item, '-');
    uint32_t lo = 0, hi = 0;
    if (ends.size() > 2 || !ParseCpuIndex(ends[0], &lo)) return false;
    if (ends.size() == 2 && (!ParseCpuIndex(ends[1], &hi) || hi < lo)) {
      return false;
    }
  }
  return true;
}

absl::Status CheckCpuset(absl::string_view field, absl::string_view list) {
  if (list.empty() || IsCpuList(list)) return absl::OkStatus();
  return Invalid(field, list, "must be a list such as \"0-3,5\"");
}

absl::Status OutOfRange(absl::string_view field, int64_t value,
                        absl::string_view range) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " ", value, ": must be ", range));
}

absl::Status CheckCpu(const ::runtime::v1::LinuxContainerResources& r) {
  int64_t period = r.cpu_period();
  if (period != 0 && (period < kMinCpuPeriod || period > kMaxCpuPeriod)) {
    return OutOfRange("resources.cpu_period", period,
                      "0 (unset) or within 1000..1000000 microseconds");
  }
  // A negative quota means "no limit" (cgroup "max").
  if (r.cpu_quota() > 0 && r.cpu_quota() < kMinCpuQuota) {
    return OutOfRange("resources.cpu_quota", r.cpu_quota(),
                      "0 (unset), negative (no limit) or at least 1000");
  }
  if (r.cpu_shares() < 0 || r.cpu_shares() > kMaxCpuShares) {
    return OutOfRange("resources.cpu_shares", r.cpu_shares(),
                      "within 0..262144");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckLogDirectory(absl::string_view dir) {
  if (dir.empty()) return absl::OkStatus();  // no logs for this pod
  if (dir[0] != '/') {
    return Invalid("log_directory", dir, "must be an absolute path");
  }
  return CheckPathString("log_directory", dir);
}

absl::Status CheckLogPath(absl::string_view path) {
  return CheckPathString("log_path", path);
}

absl::Status CheckCgroupParent(absl::string_view parent) {
  return CheckPathString("cgroup_parent", parent);
}

absl::Status CheckResources(const ::runtime::v1::LinuxContainerResources& r) {
  for (const auto& [key, value] : r.unified()) {
    RETURN_IF_ERROR(CheckUnifiedKey(key));
  }
  RETURN_IF_ERROR(CheckCpu(r));
  RETURN_IF_ERROR(CheckCpuset("resources.cpuset_cpus", r.cpuset_cpus()));
  return CheckCpuset("resources.cpuset_mems", r.cpuset_mems());
}

}  // namespace crisp::server::specgen
