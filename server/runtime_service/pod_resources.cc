#include "server/runtime_service/pod_resources.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/specgen/request_checks.h"
#include "server/specgen/resources.h"

namespace crisp::server {
namespace {

namespace v1 = ::runtime::v1;

constexpr int64_t kDefaultCpuPeriod = 100000;  // the kernel's and kubelet's
constexpr int64_t kMaxCpuShares = 262144;

absl::Status CheckOne(const v1::LinuxContainerResources& r,
                      absl::string_view which) {
  absl::Status s = specgen::CheckResources(r);
  if (s.ok() && r.memory_limit_in_bytes() < 0) {
    s = absl::InvalidArgumentError(
        absl::StrCat("resources.memory_limit_in_bytes ",
                     r.memory_limit_in_bytes(), ": must not be negative"));
  }
  return s.ok() ? s : Annotate(s, which);
}

void AddCpu(const v1::LinuxContainerResources& overhead,
            v1::LinuxContainerResources& out) {
  if (out.cpu_quota() > 0 && overhead.cpu_quota() > 0) {
    int64_t period =
        out.cpu_period() > 0 ? out.cpu_period() : kDefaultCpuPeriod;
    int64_t overhead_period =
        overhead.cpu_period() > 0 ? overhead.cpu_period() : kDefaultCpuPeriod;
    out.set_cpu_quota(out.cpu_quota() +
                      overhead.cpu_quota() * period / overhead_period);
  }
  if (out.cpu_shares() > 0 && overhead.cpu_shares() > 0) {
    out.set_cpu_shares(
        std::min(out.cpu_shares() + overhead.cpu_shares(), kMaxCpuShares));
  }
}

void AddHugepages(const v1::LinuxContainerResources& overhead,
                  v1::LinuxContainerResources& out) {
  std::map<std::string, uint64_t> extra;
  for (const auto& h : overhead.hugepage_limits()) {
    extra[h.page_size()] += h.limit();
  }
  for (auto& h : *out.mutable_hugepage_limits()) {
    auto it = extra.find(h.page_size());
    if (it != extra.end()) h.set_limit(h.limit() + it->second);
  }
}

}  // namespace

absl::StatusOr<v1::LinuxContainerResources> CombinePodResources(
    const v1::LinuxContainerResources& resources,
    const v1::LinuxContainerResources& overhead) {
  RETURN_IF_ERROR(CheckOne(resources, "resources"));
  RETURN_IF_ERROR(CheckOne(overhead, "overhead"));
  v1::LinuxContainerResources out = resources;
  if (out.memory_limit_in_bytes() > 0) {
    out.set_memory_limit_in_bytes(out.memory_limit_in_bytes() +
                                  overhead.memory_limit_in_bytes());
  }
  AddCpu(overhead, out);
  AddHugepages(overhead, out);
  return out;
}

absl::StatusOr<runtime::oci::Resources> PodCgroupResources(
    const v1::UpdatePodSandboxResourcesRequest& request) {
  ASSIGN_OR_RETURN(
      v1::LinuxContainerResources combined,
      CombinePodResources(request.resources(), request.overhead()));
  runtime::oci::Resources out;
  specgen::ApplyResources(combined, out);
  return out;
}

}  // namespace crisp::server
