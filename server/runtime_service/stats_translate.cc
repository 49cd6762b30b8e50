#include "server/runtime_service/stats_translate.h"

namespace crisp::server {
namespace {

namespace v1 = ::runtime::v1;

void FillCpu(const std::string& id, const runtime::cgroups::Stats& s,
             int64_t now, UsageRates& rates, v1::CpuUsage* cpu) {
  cpu->set_timestamp(now);
  cpu->mutable_usage_core_nano_seconds()->set_value(s.cpu_usage_ns);
  cpu->mutable_usage_nano_cores()->set_value(
      rates.NanoCores(id, s.cpu_usage_ns, now));
}

void FillMemory(const runtime::cgroups::Stats& s, int64_t now,
                v1::MemoryUsage* memory) {
  memory->set_timestamp(now);
  memory->mutable_working_set_bytes()->set_value(s.memory_working_set);
  memory->mutable_usage_bytes()->set_value(s.memory_usage);
  memory->mutable_rss_bytes()->set_value(s.memory_rss);
  memory->mutable_page_faults()->set_value(s.page_faults);
  memory->mutable_major_page_faults()->set_value(s.major_page_faults);
  if (s.memory_limit > 0) {
    memory->mutable_available_bytes()->set_value(s.MemoryAvailable());
  }
}

void FillInterface(const sandbox::LinkStats& l,
                   v1::NetworkInterfaceUsage* out) {
  out->set_name(l.name);
  out->mutable_rx_bytes()->set_value(l.rx_bytes);
  out->mutable_rx_errors()->set_value(l.rx_errors);
  out->mutable_tx_bytes()->set_value(l.tx_bytes);
  out->mutable_tx_errors()->set_value(l.tx_errors);
}

void FillNetwork(const std::vector<sandbox::LinkStats>& links, int64_t now,
                 v1::NetworkUsage* network) {
  network->set_timestamp(now);
  for (const auto& l : links) {
    if (l.name == "lo") continue;
    if (l.name == kDefaultInterface) {
      FillInterface(l, network->mutable_default_interface());
    }
    FillInterface(l, network->add_interfaces());
  }
  // A pod network that names its interface otherwise: the first one (as
  // containerd).
  if (!network->has_default_interface() && network->interfaces_size() > 0) {
    *network->mutable_default_interface() = network->interfaces(0);
  }
}

}  // namespace

v1::ContainerStats ToContainerStats(const ContainerSample& sample,
                                    UsageRates& rates) {
  const containers::Container& c = sample.container;
  const int64_t now = sample.timestamp_ns;
  v1::ContainerStats out;
  auto* attributes = out.mutable_attributes();
  attributes->set_id(c.id);
  attributes->mutable_metadata()->set_name(c.name);
  attributes->mutable_metadata()->set_attempt(c.attempt);
  attributes->mutable_labels()->insert(c.labels.begin(), c.labels.end());
  attributes->mutable_annotations()->insert(c.annotations.begin(),
                                            c.annotations.end());
  FillCpu(c.id, sample.cgroup, now, rates, out.mutable_cpu());
  FillMemory(sample.cgroup, now, out.mutable_memory());
  auto* layer = out.mutable_writable_layer();
  layer->set_timestamp(now);
  layer->mutable_fs_id()->set_mountpoint(c.layer);
  if (sample.writable_layer) {
    layer->mutable_used_bytes()->set_value(sample.writable_layer->bytes);
    layer->mutable_inodes_used()->set_value(sample.writable_layer->inodes);
  }
  return out;
}

v1::PodSandboxStats ToPodSandboxStats(const PodSample& sample,
                                      UsageRates& rates) {
  const sandbox::Pod& pod = sample.pod;
  const int64_t now = sample.timestamp_ns;
  v1::PodSandboxStats out;
  auto* attributes = out.mutable_attributes();
  attributes->set_id(pod.id);
  auto* metadata = attributes->mutable_metadata();
  metadata->set_name(pod.spec.metadata.name);
  metadata->set_uid(pod.spec.metadata.uid);
  metadata->set_namespace_(pod.spec.metadata.namespace_);
  metadata->set_attempt(pod.spec.metadata.attempt);
  attributes->mutable_labels()->insert(pod.spec.labels.begin(),
                                       pod.spec.labels.end());
  attributes->mutable_annotations()->insert(pod.spec.annotations.begin(),
                                            pod.spec.annotations.end());
  auto* linux = out.mutable_linux();
  FillCpu(pod.id, sample.cgroup, now, rates, linux->mutable_cpu());
  FillMemory(sample.cgroup, now, linux->mutable_memory());
  linux->mutable_process()->set_timestamp(now);
  linux->mutable_process()->mutable_process_count()->set_value(
      sample.cgroup.pids);
  if (sample.links) FillNetwork(*sample.links, now, linux->mutable_network());
  for (const auto& c : sample.containers) {
    *linux->add_containers() = ToContainerStats(c, rates);
  }
  return out;
}

}  // namespace crisp::server
