#include "server/runtime_service/pod_sample.h"

#include <sys/statvfs.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "glog/logging.h"
#include "runtime/cgroups/layout.h"
#include "sandbox/pod_cgroup.h"

namespace crisp::server {
namespace {

// The pod's own cgroup when it has one; else the sum of its containers'
// (crictl and critest run pods without a cgroup parent).
runtime::cgroups::Stats PodCgroupStats(const PodSample& sample) {
  auto layout = runtime::cgroups::DetectLayout();
  if (layout.ok()) {
    auto own = sandbox::ReadPodCgroupStats(*layout, sample.pod);
    if (own.ok()) return *own;
  }
  runtime::cgroups::Stats sum;
  for (const auto& c : sample.containers) sum.Add(c.cgroup);
  return sum;
}

std::optional<FsCapacity> CapacityOf(const std::string& dir) {
  struct statvfs st {};
  if (statvfs(dir.c_str(), &st) != 0) return std::nullopt;
  return FsCapacity{st.f_blocks * st.f_frsize, st.f_files, st.f_ffree};
}

}  // namespace

bool IsRunning(const containers::ContainerService& manager,
               const containers::Container& c) {
  return manager.StatusOf(c).state == containers::ContainerState::kRunning;
}

absl::StatusOr<ContainerSample> SampleContainer(
    containers::ContainerService& manager, const containers::Container& c) {
  ContainerSample s;
  ASSIGN_OR_RETURN(s.cgroup, manager.Stats(c));
  s.timestamp_ns = absl::GetCurrentTimeNanos();
  s.container = c;
  auto layer = image::DiskUsage(c.Layer().UpperDir());
  if (layer.ok()) s.writable_layer = *layer;
  s.layer_fs = CapacityOf(c.layer);
  return s;
}

namespace {

// `all`: every container, listed once for however many pods are sampled.
absl::StatusOr<PodSample> SamplePodAmong(
    containers::ContainerService& manager, const sandbox::Pod& pod,
    const std::vector<containers::Container>& all) {
  if (pod.state != sandbox::PodState::kReady) {
    return absl::UnavailableError(
        absl::StrCat("pod ", pod.id, " is not ready: it has no stats"));
  }
  PodSample s;
  s.pod = pod;
  for (const auto& c : all) {
    if (c.pod_id != pod.id || !IsRunning(manager, c)) continue;
    auto sample = SampleContainer(manager, c);
    if (sample.ok()) s.containers.push_back(*std::move(sample));
  }
  s.timestamp_ns = absl::GetCurrentTimeNanos();
  s.cgroup = PodCgroupStats(s);
  if (!pod.namespaces.net.empty()) {
    auto links = sandbox::ReadNetnsLinkStats(pod.namespaces.net);
    if (!links.ok()) {
      LOG(WARNING) << "pod " << pod.id << ": network stats: " << links.status();
    }
    s.links =
        links.ok() ? *std::move(links) : std::vector<sandbox::LinkStats>{};
  }
  return s;
}

}  // namespace

absl::StatusOr<PodSample> SamplePod(containers::ContainerService& manager,
                                    const sandbox::Pod& pod) {
  return SamplePodAmong(manager, pod, manager.List());
}

std::vector<PodSample> SampleReadyPods(
    sandbox::PodService& pods, containers::ContainerService& containers,
    const std::function<bool(const sandbox::Pod&)>& match) {
  std::vector<PodSample> out;
  const std::vector<containers::Container> all = containers.List();
  for (const auto& pod : pods.List()) {
    if (pod.state != sandbox::PodState::kReady || !match(pod)) continue;
    auto sample = SamplePodAmong(containers, pod, all);
    if (!sample.ok()) {
      VLOG(1) << "pod " << pod.id << ": stats: " << sample.status();
      continue;
    }
    out.push_back(*std::move(sample));
  }
  return out;
}

}  // namespace crisp::server
