#include "server/runtime_service/metrics_translate.h"

#include <map>
#include <string>

namespace crisp::server {
namespace {

namespace v1 = ::runtime::v1;

// cAdvisor's labels on every container series, in this order.
const std::vector<std::string>& BaseKeys() {
  static const auto* keys = new std::vector<std::string>{
      "container", "id", "image", "name", "namespace", "pod"};
  return *keys;
}

struct Def {
  const char* name;
  const char* help;
  std::vector<std::string> extra_keys;
};

const std::vector<Def>& Defs() {
  static const auto* defs = new std::vector<Def>{
      {"container_cpu_usage_seconds_total",
       "Cumulative cpu time consumed in seconds.",
       {"cpu"}},
      {"container_cpu_user_seconds_total",
       "Cumulative user cpu time consumed in seconds.",
       {}},
      {"container_cpu_system_seconds_total",
       "Cumulative system cpu time consumed in seconds.",
       {}},
      {"container_memory_usage_bytes",
       "Current memory usage in bytes, including all memory regardless of "
       "when it was accessed.",
       {}},
      {"container_memory_working_set_bytes",
       "Current working set in bytes.",
       {}},
      {"container_memory_rss", "Size of RSS in bytes.", {}},
      {"container_memory_cache", "Number of bytes of page cache memory.", {}},
      {"container_memory_failcnt", "Number of memory usage hits limits.", {}},
      {"container_memory_failures_total",
       "Cumulative count of memory allocation failures.",
       {"failure_type", "scope"}},
      {"container_oom_events_total",
       "Count of out of memory events observed for the container.",
       {}},
      {"container_spec_memory_limit_bytes",
       "Memory limit for the container.",
       {}},
      {"container_processes",
       "Number of processes running inside the "
       "container.",
       {}},
      {"container_fs_usage_bytes",
       "Number of bytes that are consumed by the container on this "
       "filesystem.",
       {"device"}},
      {"container_fs_inodes_total",
       "Number of available Inodes on this filesystem.",
       {"device"}},
      {"container_fs_inodes_free",
       "Number of available Inodes on this filesystem.",
       {"device"}},
      {"container_fs_limit_bytes",
       "Number of bytes that can be consumed by the container on this "
       "filesystem.",
       {"device"}},
      {"container_network_receive_bytes_total",
       "Cumulative count of bytes received.",
       {"interface"}},
      {"container_network_receive_packets_total",
       "Cumulative count of packets received.",
       {"interface"}},
      {"container_network_receive_packets_dropped_total",
       "Cumulative count of packets dropped while receiving.",
       {"interface"}},
      {"container_network_receive_errors_total",
       "Cumulative count of errors encountered while receiving.",
       {"interface"}},
      {"container_network_transmit_bytes_total",
       "Cumulative count of bytes transmitted.",
       {"interface"}},
      {"container_network_transmit_packets_total",
       "Cumulative count of packets transmitted.",
       {"interface"}},
      {"container_network_transmit_packets_dropped_total",
       "Cumulative count of packets dropped while transmitting.",
       {"interface"}},
      {"container_network_transmit_errors_total",
       "Cumulative count of errors encountered while transmitting.",
       {"interface"}},
      {"container_last_seen",
       "Last time a container was seen by the exporter (unix seconds).",
       {}},
  };
  return *defs;
}

constexpr uint64_t kNanosPerSecond = 1000000000;

// Appends metrics sharing one set of base label values and a timestamp.
class Emitter {
 public:
  Emitter(google::protobuf::RepeatedPtrField<v1::Metric>* out,
          std::vector<std::string> base, int64_t timestamp)
      : out_(out), base_(std::move(base)), timestamp_(timestamp) {}

  void Counter(const char* name, uint64_t value,
               const std::vector<std::string>& extra = {}) {
    Add(name, v1::COUNTER, value, extra);
  }
  void Gauge(const char* name, uint64_t value,
             const std::vector<std::string>& extra = {}) {
    Add(name, v1::GAUGE, value, extra);
  }

 private:
  void Add(const char* name, v1::MetricType type, uint64_t value,
           const std::vector<std::string>& extra) {
    v1::Metric* m = out_->Add();
    m->set_name(name);
    m->set_timestamp(timestamp_);
    m->set_metric_type(type);
    for (const auto& v : base_) m->add_label_values(v);
    for (const auto& v : extra) m->add_label_values(v);
    m->mutable_value()->set_value(value);
  }

  google::protobuf::RepeatedPtrField<v1::Metric>* out_;
  std::vector<std::string> base_;
  int64_t timestamp_;
};

void CgroupMetrics(const runtime::cgroups::Stats& s, int64_t timestamp,
                   Emitter& e) {
  e.Counter("container_cpu_usage_seconds_total",
            s.cpu_usage_ns / kNanosPerSecond, {"total"});
  e.Counter("container_cpu_user_seconds_total",
            s.cpu_user_ns / kNanosPerSecond);
  e.Counter("container_cpu_system_seconds_total",
            s.cpu_system_ns / kNanosPerSecond);
  e.Gauge("container_memory_usage_bytes", s.memory_usage);
  e.Gauge("container_memory_working_set_bytes", s.memory_working_set);
  e.Gauge("container_memory_rss", s.memory_rss);
  e.Gauge("container_memory_cache", s.memory_cache);
  e.Counter("container_memory_failcnt", s.memory_failcnt);
  // The figures are hierarchical already: both scopes read the same.
  for (const char* scope : {"container", "hierarchy"}) {
    e.Counter("container_memory_failures_total", s.page_faults,
              {"pgfault", scope});
    e.Counter("container_memory_failures_total", s.major_page_faults,
              {"pgmajfault", scope});
  }
  e.Counter("container_oom_events_total", s.oom_kills);
  e.Gauge("container_spec_memory_limit_bytes", s.memory_limit);
  e.Gauge("container_processes", s.pids);
  e.Gauge("container_last_seen",
          static_cast<uint64_t>(timestamp) / kNanosPerSecond);
}

void FsMetrics(const ContainerSample& c, Emitter& e) {
  const std::string& device = c.container.layer;
  if (c.writable_layer) {
    e.Gauge("container_fs_usage_bytes", c.writable_layer->bytes, {device});
  }
  if (c.layer_fs) {
    e.Gauge("container_fs_limit_bytes", c.layer_fs->bytes, {device});
    e.Gauge("container_fs_inodes_total", c.layer_fs->inodes, {device});
    e.Gauge("container_fs_inodes_free", c.layer_fs->inodes_free, {device});
  }
}

void NetworkMetrics(const std::vector<sandbox::LinkStats>& links, Emitter& e) {
  for (const auto& l : links) {
    if (l.name == "lo") continue;
    const std::vector<std::string> i = {l.name};
    e.Counter("container_network_receive_bytes_total", l.rx_bytes, i);
    e.Counter("container_network_receive_packets_total", l.rx_packets, i);
    e.Counter("container_network_receive_packets_dropped_total", l.rx_dropped,
              i);
    e.Counter("container_network_receive_errors_total", l.rx_errors, i);
    e.Counter("container_network_transmit_bytes_total", l.tx_bytes, i);
    e.Counter("container_network_transmit_packets_total", l.tx_packets, i);
    e.Counter("container_network_transmit_packets_dropped_total", l.tx_dropped,
              i);
    e.Counter("container_network_transmit_errors_total", l.tx_errors, i);
  }
}

}  // namespace

std::vector<v1::MetricDescriptor> MetricDescriptors() {
  std::vector<v1::MetricDescriptor> out;
  for (const Def& d : Defs()) {
    v1::MetricDescriptor& m = out.emplace_back();
    m.set_name(d.name);
    m.set_help(d.help);
    for (const auto& k : BaseKeys()) m.add_label_keys(k);
    for (const auto& k : d.extra_keys) m.add_label_keys(k);
  }
  return out;
}

v1::PodSandboxMetrics ToPodSandboxMetrics(const PodSample& sample) {
  const sandbox::Pod& pod = sample.pod;
  const std::string& ns = pod.spec.metadata.namespace_;
  const std::string& pod_name = pod.spec.metadata.name;
  v1::PodSandboxMetrics out;
  out.set_pod_sandbox_id(pod.id);
  // The pod's own series, as cAdvisor's for the pod cgroup: no container,
  // no image.
  Emitter pod_series(out.mutable_metrics(),
                     {"", pod.id, "", pod_name, ns, pod_name},
                     sample.timestamp_ns);
  CgroupMetrics(sample.cgroup, sample.timestamp_ns, pod_series);
  if (sample.links) NetworkMetrics(*sample.links, pod_series);
  for (const ContainerSample& c : sample.containers) {
    v1::ContainerMetrics* cm = out.add_container_metrics();
    cm->set_container_id(c.container.id);
    Emitter e(cm->mutable_metrics(),
              {c.container.name, c.container.id, c.container.image_ref,
               c.container.name, ns, pod_name},
              c.timestamp_ns);
    CgroupMetrics(c.cgroup, c.timestamp_ns, e);
    FsMetrics(c, e);
  }
  return out;
}

}  // namespace crisp::server
