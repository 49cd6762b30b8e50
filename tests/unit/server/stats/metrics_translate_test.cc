// Samples → CRI metrics: every metric has a descriptor, its label values
// follow the descriptor's keys, counters and gauges as cAdvisor's, and
// the figures land under the names kubelet serves.
#include "server/runtime_service/metrics_translate.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::server {
namespace {

namespace v1 = ::runtime::v1;
using ::testing::ElementsAre;

constexpr int64_t kSecond = 1000000000;

PodSample Sample() {
  PodSample s;
  s.pod.id = "pod1";
  s.pod.spec.metadata = {"web", "uid-1", "prod", 0};
  s.timestamp_ns = 1700000000 * kSecond;
  s.cgroup.cpu_usage_ns = 7 * kSecond + 900;
  s.cgroup.memory_usage = 4096;
  s.links = std::vector<sandbox::LinkStats>{
      {"lo", 1, 1, 0, 0, 1, 1, 0, 0}, {"eth0", 100, 2, 3, 4, 200, 5, 6, 7}};
  ContainerSample c;
  c.container.id = "c1";
  c.container.name = "app";
  c.container.image_ref = "registry/app:1";
  c.container.layer = "/var/lib/crisp/containers/c1";
  c.timestamp_ns = s.timestamp_ns;
  c.cgroup.cpu_usage_ns = 3 * kSecond;
  c.cgroup.cpu_user_ns = 2 * kSecond;
  c.cgroup.cpu_system_ns = 1 * kSecond;
  c.cgroup.memory_usage = 1000;
  c.cgroup.memory_working_set = 800;
  c.cgroup.memory_rss = 300;
  c.cgroup.memory_cache = 700;
  c.cgroup.memory_limit = 1 << 20;
  c.cgroup.memory_failcnt = 2;
  c.cgroup.page_faults = 40;
  c.cgroup.major_page_faults = 4;
  c.cgroup.oom_kills = 1;
  c.cgroup.pids = 3;
  c.writable_layer = image::FsUsage{8192, 5, false};
  c.layer_fs = FsCapacity{1 << 30, 1000, 600};
  s.containers.push_back(c);
  return s;
}

std::map<std::string, v1::MetricDescriptor> Descriptors() {
  std::map<std::string, v1::MetricDescriptor> out;
  for (const auto& d : MetricDescriptors()) out[d.name()] = d;
  return out;
}

// name{key=value,...} → metric, for lookups.
std::map<std::string, v1::Metric> ByLabels(
    const google::protobuf::RepeatedPtrField<v1::Metric>& metrics) {
  auto descriptors = Descriptors();
  std::map<std::string, v1::Metric> out;
  for (const auto& m : metrics) {
    const auto& keys = descriptors.at(m.name()).label_keys();
    std::string k = m.name() + "{";
    for (int i = 0; i < keys.size() && i < m.label_values_size(); ++i) {
      k += keys[i] + "=" + m.label_values(i) + ",";
    }
    out[k + "}"] = m;
  }
  return out;
}

TEST(MetricsTranslateTest, DescriptorsNameWhatKubeletMaps) {
  auto d = Descriptors();
  for (const char* name : {"container_cpu_usage_seconds_total",
                           "container_cpu_user_seconds_total",
                           "container_cpu_system_seconds_total",
                           "container_memory_usage_bytes",
                           "container_memory_working_set_bytes",
                           "container_memory_rss",
                           "container_memory_cache",
                           "container_memory_failcnt",
                           "container_memory_failures_total",
                           "container_network_receive_bytes_total",
                           "container_network_transmit_bytes_total",
                           "container_network_receive_errors_total",
                           "container_network_transmit_errors_total",
                           "container_network_receive_packets_total",
                           "container_network_transmit_packets_total",
                           "container_fs_usage_bytes",
                           "container_fs_inodes_total",
                           "container_processes",
                           "container_last_seen",
                           "container_spec_memory_limit_bytes"}) {
    ASSERT_TRUE(d.count(name)) << name;
    EXPECT_FALSE(d[name].help().empty()) << name;
  }
  EXPECT_THAT(
      d["container_memory_rss"].label_keys(),
      ElementsAre("container", "id", "image", "name", "namespace", "pod"));
  EXPECT_THAT(d["container_network_receive_bytes_total"].label_keys(),
              ElementsAre("container", "id", "image", "name", "namespace",
                          "pod", "interface"));
  EXPECT_THAT(d["container_memory_failures_total"].label_keys(),
              ElementsAre("container", "id", "image", "name", "namespace",
                          "pod", "failure_type", "scope"));
}

TEST(MetricsTranslateTest, EveryMetricMatchesItsDescriptor) {
  auto d = Descriptors();
  v1::PodSandboxMetrics out = ToPodSandboxMetrics(Sample());
  auto check = [&](const v1::Metric& m) {
    ASSERT_TRUE(d.count(m.name())) << m.name();
    EXPECT_EQ(m.label_values_size(), d[m.name()].label_keys_size()) << m.name();
    EXPECT_EQ(m.timestamp(), 1700000000 * kSecond);
    // cAdvisor's counters: the *_total names (but the inode capacity of a
    // filesystem) and failcnt.
    bool counter = (absl::EndsWith(m.name(), "_total") &&
                    m.name() != "container_fs_inodes_total") ||
                   m.name() == "container_memory_failcnt";
    EXPECT_EQ(m.metric_type(), counter ? v1::COUNTER : v1::GAUGE) << m.name();
  };
  for (const auto& m : out.metrics()) check(m);
  ASSERT_EQ(out.container_metrics_size(), 1);
  for (const auto& m : out.container_metrics(0).metrics()) check(m);
}

TEST(MetricsTranslateTest, ContainerFigures) {
  v1::PodSandboxMetrics out = ToPodSandboxMetrics(Sample());
  EXPECT_EQ(out.pod_sandbox_id(), "pod1");
  EXPECT_EQ(out.container_metrics(0).container_id(), "c1");
  auto m = ByLabels(out.container_metrics(0).metrics());
  const std::string base =
      "container=app,id=c1,image=registry/app:1,name=app,namespace=prod,"
      "pod=web,";
  auto value = [&](const std::string& name, const std::string& extra = "") {
    auto it = m.find(name + "{" + base + extra + "}");
    return it == m.end() ? ~uint64_t{0} : it->second.value().value();
  };
  EXPECT_EQ(value("container_cpu_usage_seconds_total", "cpu=total,"), 3u);
  EXPECT_EQ(value("container_cpu_user_seconds_total"), 2u);
  EXPECT_EQ(value("container_cpu_system_seconds_total"), 1u);
  EXPECT_EQ(value("container_memory_usage_bytes"), 1000u);
  EXPECT_EQ(value("container_memory_working_set_bytes"), 800u);
  EXPECT_EQ(value("container_memory_rss"), 300u);
  EXPECT_EQ(value("container_memory_cache"), 700u);
  EXPECT_EQ(value("container_memory_failcnt"), 2u);
  EXPECT_EQ(value("container_memory_failures_total",
                  "failure_type=pgfault,scope=container,"),
            40u);
  EXPECT_EQ(value("container_memory_failures_total",
                  "failure_type=pgmajfault,scope=hierarchy,"),
            4u);
  EXPECT_EQ(value("container_oom_events_total"), 1u);
  EXPECT_EQ(value("container_spec_memory_limit_bytes"), 1u << 20);
  EXPECT_EQ(value("container_processes"), 3u);
  EXPECT_EQ(value("container_last_seen"), 1700000000u);
  const std::string dev = "device=/var/lib/crisp/containers/c1,";
  EXPECT_EQ(value("container_fs_usage_bytes", dev), 8192u);
  EXPECT_EQ(value("container_fs_limit_bytes", dev), 1u << 30);
  EXPECT_EQ(value("container_fs_inodes_total", dev), 1000u);
  EXPECT_EQ(value("container_fs_inodes_free", dev), 600u);
}

TEST(MetricsTranslateTest, PodSeriesCarryTheNetworkWithoutLoopback) {
  v1::PodSandboxMetrics out = ToPodSandboxMetrics(Sample());
  auto m = ByLabels(out.metrics());
  const std::string base =
      "container=,id=pod1,image=,name=web,namespace=prod,pod=web,";
  auto value = [&](const std::string& name, const std::string& extra = "") {
    auto it = m.find(name + "{" + base + extra + "}");
    return it == m.end() ? ~uint64_t{0} : it->second.value().value();
  };
  EXPECT_EQ(value("container_cpu_usage_seconds_total", "cpu=total,"), 7u);
  EXPECT_EQ(value("container_memory_usage_bytes"), 4096u);
  EXPECT_EQ(value("container_network_receive_bytes_total", "interface=eth0,"),
            100u);
  EXPECT_EQ(value("container_network_receive_packets_total", "interface=eth0,"),
            2u);
  EXPECT_EQ(value("container_network_receive_errors_total", "interface=eth0,"),
            3u);
  EXPECT_EQ(value("container_network_receive_packets_dropped_total",
                  "interface=eth0,"),
            4u);
  EXPECT_EQ(value("container_network_transmit_bytes_total", "interface=eth0,"),
            200u);
  EXPECT_EQ(
      value("container_network_transmit_packets_total", "interface=eth0,"), 5u);
  EXPECT_EQ(value("container_network_transmit_errors_total", "interface=eth0,"),
            6u);
  EXPECT_EQ(value("container_network_transmit_bytes_total", "interface=lo,"),
            ~uint64_t{0});
  EXPECT_EQ(m.count("container_fs_usage_bytes{" + base + "}"), 0u);
}

TEST(MetricsTranslateTest, HostNetworkPodHasNoNetworkSeries) {
  PodSample s = Sample();
  s.links.reset();
  v1::PodSandboxMetrics out = ToPodSandboxMetrics(s);
  for (const auto& m : out.metrics()) {
    EXPECT_FALSE(absl::StartsWith(m.name(), "container_network_")) << m.name();
  }
}

}  // namespace
}  // namespace crisp::server
