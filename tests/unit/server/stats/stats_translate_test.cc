// A pod sample → CRI PodSandboxStats: every field kubelet's Summary API
// reads, loopback left out, eth0 the default interface, host-network pods
// without network usage, and usage_nano_cores from the previous call.
#include "server/runtime_service/stats_translate.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

constexpr int64_t kSecond = 1000000000;

PodSample Sample(int64_t at, uint64_t cpu_ns) {
  PodSample s;
  s.pod.id = "pod1";
  s.pod.spec.metadata = {"web", "uid-1", "default", 2};
  s.pod.spec.labels = {{"app", "web"}};
  s.timestamp_ns = at;
  s.cgroup.cpu_usage_ns = cpu_ns;
  s.cgroup.memory_usage = 1000;
  s.cgroup.memory_working_set = 800;
  s.cgroup.memory_rss = 300;
  s.cgroup.page_faults = 50;
  s.cgroup.major_page_faults = 5;
  s.cgroup.memory_limit = 4000;
  s.cgroup.pids = 3;
  sandbox::LinkStats lo{"lo", 99, 1, 0, 0, 99, 1, 0, 0};
  sandbox::LinkStats eth0{"eth0", 1000, 10, 1, 0, 2000, 20, 2, 0};
  sandbox::LinkStats net1{"net1", 7, 1, 0, 0, 8, 1, 0, 0};
  s.links = std::vector<sandbox::LinkStats>{lo, eth0, net1};
  ContainerSample c;
  c.container.id = "c1";
  c.container.name = "app";
  c.container.layer = "/var/lib/crisp/containers/c1";
  c.timestamp_ns = at;
  c.cgroup.cpu_usage_ns = cpu_ns / 2;
  c.writable_layer = image::FsUsage{4096, 3, false};
  s.containers.push_back(c);
  return s;
}

TEST(StatsTranslateTest, PodStatsCarryEveryFigure) {
  UsageRates rates;
  ::runtime::v1::PodSandboxStats out =
      ToPodSandboxStats(Sample(10 * kSecond, 4 * kSecond), rates);
  EXPECT_EQ(out.attributes().id(), "pod1");
  EXPECT_EQ(out.attributes().metadata().name(), "web");
  EXPECT_EQ(out.attributes().metadata().uid(), "uid-1");
  EXPECT_EQ(out.attributes().metadata().namespace_(), "default");
  EXPECT_EQ(out.attributes().metadata().attempt(), 2u);
  EXPECT_EQ(out.attributes().labels().at("app"), "web");
  const auto& lx = out.linux();
  EXPECT_EQ(lx.cpu().timestamp(), 10 * kSecond);
  EXPECT_EQ(lx.cpu().usage_core_nano_seconds().value(), 4u * kSecond);
  EXPECT_TRUE(lx.cpu().has_usage_nano_cores());
  EXPECT_EQ(lx.cpu().usage_nano_cores().value(), 0u);  // first sample
  EXPECT_EQ(lx.memory().working_set_bytes().value(), 800u);
  EXPECT_EQ(lx.memory().usage_bytes().value(), 1000u);
  EXPECT_EQ(lx.memory().rss_bytes().value(), 300u);
  EXPECT_EQ(lx.memory().page_faults().value(), 50u);
  EXPECT_EQ(lx.memory().major_page_faults().value(), 5u);
  EXPECT_EQ(lx.memory().available_bytes().value(), 3200u);
  EXPECT_EQ(lx.process().process_count().value(), 3u);
  ASSERT_EQ(lx.network().interfaces_size(), 2);  // no lo
  EXPECT_EQ(lx.network().interfaces(0).name(), "eth0");
  EXPECT_EQ(lx.network().interfaces(1).name(), "net1");
  EXPECT_EQ(lx.network().default_interface().name(), "eth0");
  EXPECT_EQ(lx.network().default_interface().rx_bytes().value(), 1000u);
  EXPECT_EQ(lx.network().default_interface().rx_errors().value(), 1u);
  EXPECT_EQ(lx.network().default_interface().tx_bytes().value(), 2000u);
  EXPECT_EQ(lx.network().default_interface().tx_errors().value(), 2u);
  ASSERT_EQ(lx.containers_size(), 1);
  EXPECT_EQ(lx.containers(0).attributes().id(), "c1");
  EXPECT_EQ(lx.containers(0).writable_layer().used_bytes().value(), 4096u);
  EXPECT_EQ(lx.containers(0).writable_layer().inodes_used().value(), 3u);
  EXPECT_EQ(lx.containers(0).writable_layer().fs_id().mountpoint(),
            "/var/lib/crisp/containers/c1");
}

TEST(StatsTranslateTest, NanoCoresFromThePreviousCall) {
  UsageRates rates;
  (void)ToPodSandboxStats(Sample(10 * kSecond, 4 * kSecond), rates);
  auto out = ToPodSandboxStats(Sample(12 * kSecond, 5 * kSecond), rates);
  EXPECT_EQ(out.linux().cpu().usage_nano_cores().value(), kSecond / 2);
  // The container's own history: 0.5 s of CPU in 2 s.
  EXPECT_EQ(out.linux().containers(0).cpu().usage_nano_cores().value(),
            kSecond / 4);
}

TEST(StatsTranslateTest, HostNetworkAndNoLimit) {
  UsageRates rates;
  PodSample s = Sample(kSecond, kSecond);
  s.links.reset();
  s.cgroup.memory_limit = 0;
  auto out = ToPodSandboxStats(s, rates);
  EXPECT_FALSE(out.linux().has_network());
  EXPECT_FALSE(out.linux().memory().has_available_bytes());
}

TEST(StatsTranslateTest, WithoutEth0TheFirstInterfaceIsTheDefault) {
  UsageRates rates;
  PodSample s = Sample(kSecond, kSecond);
  s.links = std::vector<sandbox::LinkStats>{{"lo"}, {"net1", 5}, {"net2", 6}};
  auto out = ToPodSandboxStats(s, rates);
  EXPECT_EQ(out.linux().network().default_interface().name(), "net1");
  EXPECT_EQ(out.linux().network().default_interface().rx_bytes().value(), 5u);
  EXPECT_EQ(out.linux().network().interfaces_size(), 2);
  s.links = std::vector<sandbox::LinkStats>{{"lo"}};
  out = ToPodSandboxStats(s, rates);
  EXPECT_TRUE(out.linux().has_network());
  EXPECT_FALSE(out.linux().network().has_default_interface());
  EXPECT_EQ(out.linux().network().interfaces_size(), 0);
}

}  // namespace
}  // namespace crisp::server
