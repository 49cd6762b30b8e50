// Pod sandbox stats through the real crispd: figures that move under load
// (CPU burnt, memory filled, traffic on the pod's own network), filters,
// pods that are not ready, host-network pods.
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

class PodStatsTest : public LabContainerFixture {
 protected:
  void SetUp() override {
    LabContainerFixture::SetUp();
    if (!Ready()) return;
    logs_ = crispd_.dir() + "/logs";
    cgroup_scope_ = absl::StrCat("/crispstats", getpid());
  }

  void TearDown() override {
    LabContainerFixture::TearDown();
    // Children first: rmdir leaves whatever still has processes.
    Sh(absl::StrCat("find /sys/fs/cgroup/*", cgroup_scope_, " /sys/fs/cgroup",
                    cgroup_scope_,
                    " -depth -type d -exec rmdir {} + 2>/dev/null"));
  }

  // A pod under a cgroup parent of its own, as kubelet runs them.
  v1::PodSandboxConfig PodConfig(const std::string& name) {
    v1::PodSandboxConfig c = Config(name);
    c.set_log_directory(logs_ + "/" + name);
    c.mutable_linux()->set_cgroup_parent(
        absl::StrCat(cgroup_scope_, "/pod-", name));
    return c;
  }

  std::string Run(const std::string& pod, const v1::PodSandboxConfig& pc,
                  const std::string& name, const std::string& cmd) {
    std::string id = Create(pod, pc, name, cmd);
    EXPECT_TRUE(crispd_.client().StartContainer(id).ok());
    return id;
  }

  grpc::Status PodStats(const std::string& id, v1::PodSandboxStats* out) {
    v1::PodSandboxStatsRequest req;
    req.set_pod_sandbox_id(id);
    v1::PodSandboxStatsResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::PodSandboxStats,
                                   req, &resp);
    *out = resp.stats();
    return s;
  }

  v1::PodSandboxStats MustStats(const std::string& id) {
    v1::PodSandboxStats out;
    auto s = PodStats(id, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Polls the pod's stats (bounded: 30 s) until `done` holds; the last.
  v1::PodSandboxStats StatsUntil(
      const std::string& id,
      const std::function<bool(const v1::PodSandboxStats&)>& done) {
    v1::PodSandboxStats s;
    for (int i = 0; i < 300; ++i) {
      s = MustStats(id);
      if (done(s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return s;
  }

  std::vector<std::string> ListIds(const v1::PodSandboxStatsFilter& filter) {
    v1::ListPodSandboxStatsRequest req;
    *req.mutable_filter() = filter;
    v1::ListPodSandboxStatsResponse resp;
    auto s = crispd_.client().Call(
        &v1::RuntimeService::Stub::ListPodSandboxStats, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const auto& p : resp.stats()) ids.push_back(p.attributes().id());
    return ids;
  }

  std::vector<std::string> StreamIds(const v1::PodSandboxStatsFilter& filter) {
    v1::StreamPodSandboxStatsRequest req;
    *req.mutable_filter() = filter;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
    auto reader = crispd_.client().runtime().StreamPodSandboxStats(&ctx, req);
    v1::StreamPodSandboxStatsResponse batch;
    std::vector<std::string> ids;
    while (reader->Read(&batch)) {
      for (const auto& p : batch.pod_sandbox_stats()) {
        ids.push_back(p.attributes().id());
      }
    }
    auto s = reader->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return ids;
  }

  std::string logs_, cgroup_scope_;
};

uint64_t Cpu(const v1::PodSandboxStats& s) {
  return s.linux().cpu().usage_core_nano_seconds().value();
}

TEST_F(PodStatsTest, CpuAndMemoryMoveUnderLoad) {
  v1::PodSandboxConfig pc = PodConfig("burn");
  std::string pod = MustRun(pc);
  v1::PodSandboxStats idle = MustStats(pod);
  EXPECT_EQ(idle.attributes().id(), pod);
  EXPECT_EQ(idle.attributes().metadata().name(), "burn");
  EXPECT_EQ(idle.linux().containers_size(), 0);
  // 48 MiB of tmpfs pages, charged to the container, then a busy loop.
  std::string c = Run(pod, pc, "burner",
                      "dd if=/dev/zero of=/dev/shm/fill bs=1M count=48 "
                      "2>/dev/null; while :; do :; done");
  v1::PodSandboxStats first = StatsUntil(pod, [](const auto& s) {
    return s.linux().memory().usage_bytes().value() >= (48u << 20) &&
           s.linux().process().process_count().value() >= 1;
  });
  EXPECT_GE(first.linux().memory().usage_bytes().value(), 48u << 20);
  EXPECT_GE(first.linux().memory().working_set_bytes().value(), 48u << 20);
  EXPECT_GT(first.linux().memory().page_faults().value(), 0u);
  EXPECT_GE(first.linux().process().process_count().value(), 1u);
  ASSERT_EQ(first.linux().containers_size(), 1);
  EXPECT_EQ(first.linux().containers(0).attributes().id(), c);
  EXPECT_TRUE(first.linux().containers(0).has_writable_layer());
  v1::PodSandboxStats later = StatsUntil(pod, [&](const auto& s) {
    return Cpu(s) > Cpu(first) + 100000000 &&  // 0.1 s of CPU more
           s.linux().cpu().usage_nano_cores().value() > 0;
  });
  EXPECT_GT(Cpu(later), Cpu(first));
  EXPECT_GT(later.linux().cpu().usage_nano_cores().value(), 0u);
  EXPECT_GT(later.linux().containers(0).cpu().usage_nano_cores().value(), 0u);
  // The pod's cgroup counts its container.
  EXPECT_GE(
      Cpu(later),
      later.linux().containers(0).cpu().usage_core_nano_seconds().value());
}

TEST_F(PodStatsTest, NetworkCountersMoveWithTrafficOnThePodNetwork) {
  v1::PodSandboxConfig pc = PodConfig("net");
  std::string pod = MustRun(pc);
  v1::PodSandboxStats before = MustStats(pod);
  ASSERT_TRUE(before.linux().has_network());
  const auto& eth0 = before.linux().network().default_interface();
  EXPECT_EQ(eth0.name(), "eth0");
  for (const auto& i : before.linux().network().interfaces()) {
    EXPECT_NE(i.name(), "lo");
  }
  // The bridge's gateway, inside this test's own network.
  Run(pod, pc, "pinger",
      absl::StrCat("ping -c 5 -W 1 ", subnet_prefix_, "1; sleep 1000"));
  v1::PodSandboxStats after = StatsUntil(pod, [&](const auto& s) {
    const auto& now = s.linux().network().default_interface();
    return now.tx_bytes().value() >= eth0.tx_bytes().value() + 5 * 84 &&
           now.rx_bytes().value() >= eth0.rx_bytes().value() + 5 * 84;
  });
  const auto& now = after.linux().network().default_interface();
  EXPECT_GE(now.tx_bytes().value(), eth0.tx_bytes().value() + 5 * 84);
  EXPECT_GE(now.rx_bytes().value(), eth0.rx_bytes().value() + 5 * 84);
  EXPECT_EQ(now.rx_errors().value(), 0u);
}

TEST_F(PodStatsTest, HostNetworkPodHasNoNetworkStats) {
  v1::PodSandboxConfig pc = PodConfig("host");
  pc.mutable_linux()
      ->mutable_security_context()
      ->mutable_namespace_options()
      ->set_network(v1::NODE);
  std::string pod = MustRun(pc);
  v1::PodSandboxStats s = MustStats(pod);
  EXPECT_FALSE(s.linux().has_network());
  EXPECT_TRUE(s.linux().has_cpu());
}

TEST_F(PodStatsTest, PodWithoutCgroupParentSumsItsContainers) {
  v1::PodSandboxConfig pc = Config("plain");
  pc.set_log_directory(logs_ + "/plain");
  std::string pod = MustRun(pc);
  Run(pod, pc, "a", "while :; do :; done");
  v1::PodSandboxStats s =
      StatsUntil(pod, [](const auto& s) { return Cpu(s) > 0; });
  ASSERT_EQ(s.linux().containers_size(), 1);
  EXPECT_GT(Cpu(s), 0u);
  EXPECT_GE(s.linux().process().process_count().value(), 1u);
}

TEST_F(PodStatsTest, ListFiltersAndSkipsPodsThatAreNotReady) {
  v1::PodSandboxConfig a = PodConfig("alpha"), b = PodConfig("beta");
  std::string pa = MustRun(a), pb = MustRun(b);
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(ListIds({}), UnorderedElementsAre(pa, pb));
  EXPECT_THAT(StreamIds({}), UnorderedElementsAre(pa, pb));
  v1::PodSandboxStatsFilter by_label;
  (*by_label.mutable_label_selector())["app"] = "beta";
  EXPECT_THAT(ListIds(by_label), UnorderedElementsAre(pb));
  EXPECT_THAT(StreamIds(by_label), UnorderedElementsAre(pb));
  v1::PodSandboxStatsFilter by_id;
  by_id.set_id(pa.substr(0, 12));
  EXPECT_THAT(ListIds(by_id), UnorderedElementsAre(pa));
  (*by_id.mutable_label_selector())["app"] = "beta";
  EXPECT_TRUE(ListIds(by_id).empty());

  ASSERT_TRUE(StopPod(pa).ok());
  EXPECT_THAT(ListIds({}), UnorderedElementsAre(pb));
  v1::PodSandboxStats s;
  EXPECT_EQ(PodStats(pa, &s).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(PodStats("nonexistent", &s).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PodStatsTest, MetricsCarryKubeletsNamesAndLabels) {
  v1::ListMetricDescriptorsResponse descriptors;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListMetricDescriptors,
                        v1::ListMetricDescriptorsRequest(), &descriptors)
                  .ok());
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& d : descriptors.descriptors()) {
    keys[d.name()] = {d.label_keys().begin(), d.label_keys().end()};
  }
  ASSERT_TRUE(keys.count("container_cpu_usage_seconds_total"));
  ASSERT_TRUE(keys.count("container_memory_working_set_bytes"));
  ASSERT_TRUE(keys.count("container_network_receive_bytes_total"));
  ASSERT_TRUE(keys.count("container_fs_usage_bytes"));

  v1::PodSandboxConfig pc = PodConfig("metrics");
  std::string pod = MustRun(pc);
  std::string c = Run(pod, pc, "worker", "sleep 1000");
  v1::ListPodSandboxMetricsResponse metrics;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListPodSandboxMetrics,
                        v1::ListPodSandboxMetricsRequest(), &metrics)
                  .ok());
  ASSERT_EQ(metrics.pod_metrics_size(), 1);
  const auto& pm = metrics.pod_metrics(0);
  EXPECT_EQ(pm.pod_sandbox_id(), pod);
  // name → {label key → value} of the metric with that name.
  auto labels = [&](const v1::Metric& m) {
    std::map<std::string, std::string> out;
    const auto& k = keys.at(m.name());
    EXPECT_EQ(static_cast<size_t>(m.label_values_size()), k.size()) << m.name();
    for (size_t i = 0; i < k.size() && i < (size_t)m.label_values_size(); ++i) {
      out[k[i]] = m.label_values(static_cast<int>(i));
    }
    return out;
  };
  bool eth0 = false;
  for (const auto& m : pm.metrics()) {
    ASSERT_TRUE(keys.count(m.name())) << m.name();
    auto l = labels(m);
    EXPECT_EQ(l["pod"], "metrics");
    EXPECT_EQ(l["namespace"], "default");
    if (m.name() == "container_network_receive_bytes_total") {
      eth0 |= l["interface"] == "eth0";
      EXPECT_EQ(m.metric_type(), v1::COUNTER);
    }
  }
  EXPECT_TRUE(eth0);
  ASSERT_EQ(pm.container_metrics_size(), 1);
  EXPECT_EQ(pm.container_metrics(0).container_id(), c);
  bool working_set = false;
  for (const auto& m : pm.container_metrics(0).metrics()) {
    auto l = labels(m);
    EXPECT_EQ(l["container"], "worker");
    EXPECT_EQ(l["id"], c);
    EXPECT_EQ(l["image"], image_);
    if (m.name() == "container_memory_working_set_bytes") {
      working_set = true;
      EXPECT_EQ(m.metric_type(), v1::GAUGE);
      EXPECT_GT(m.value().value(), 0u);
    }
  }
  EXPECT_TRUE(working_set);

  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader = crispd_.client().runtime().StreamPodSandboxMetrics(
      &ctx, v1::StreamPodSandboxMetricsRequest());
  v1::StreamPodSandboxMetricsResponse batch;
  int pods = 0;
  while (reader->Read(&batch)) pods += batch.pod_sandbox_metrics_size();
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(pods, 1);
}

TEST_F(PodStatsTest, ImageFsInfoReportsTheContainerFilesystem) {
  v1::ImageFsInfoResponse before;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::ImageService::Stub::ImageFsInfo,
                        v1::ImageFsInfoRequest(), &before)
                  .ok());
  ASSERT_EQ(before.container_filesystems_size(), 1);
  const auto& fs = before.container_filesystems(0);
  EXPECT_EQ(fs.fs_id().mountpoint(), crispd_.root() + "/containers");
  EXPECT_GT(fs.timestamp(), 0);
  ASSERT_EQ(before.image_filesystems_size(), 1);
  EXPECT_NE(before.image_filesystems(0).fs_id().mountpoint(),
            fs.fs_id().mountpoint());

  v1::PodSandboxConfig pc = PodConfig("writer");
  std::string pod = MustRun(pc);
  Run(pod, pc, "w",
      "dd if=/dev/zero of=/written bs=1M count=4 2>/dev/null; sleep 1000");
  v1::ImageFsInfoResponse after;
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(crispd_.client()
                    .Call(&v1::ImageService::Stub::ImageFsInfo,
                          v1::ImageFsInfoRequest(), &after)
                    .ok());
    if (after.container_filesystems(0).used_bytes().value() >=
        fs.used_bytes().value() + (4u << 20)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(after.container_filesystems(0).used_bytes().value(),
            fs.used_bytes().value() + (4u << 20));
  EXPECT_GT(after.container_filesystems(0).inodes_used().value(),
            fs.inodes_used().value());
}

// The pod cgroup's memory limit file, v1 or v2.
std::string MemoryLimitFile(const std::string& cgroup) {
  if (access("/sys/fs/cgroup/memory", F_OK) == 0) {
    return "/sys/fs/cgroup/memory" + cgroup + "/memory.limit_in_bytes";
  }
  return "/sys/fs/cgroup" + cgroup + "/memory.max";
}

TEST_F(PodStatsTest, UpdatePodSandboxResourcesWritesThePodCgroup) {
  v1::PodSandboxConfig pc = PodConfig("resize");
  std::string pod = MustRun(pc);
  Run(pod, pc, "app", "sleep 1000");  // its cgroup makes the pod's
  const std::string file = MemoryLimitFile(pc.linux().cgroup_parent());
  ASSERT_EQ(access(file.c_str(), F_OK), 0) << file;

  v1::UpdatePodSandboxResourcesRequest req;
  req.set_pod_sandbox_id(pod);
  req.mutable_resources()->set_memory_limit_in_bytes(128 << 20);
  req.mutable_overhead()->set_memory_limit_in_bytes(32 << 20);
  v1::UpdatePodSandboxResourcesResponse resp;
  auto update = [&] {
    return crispd_.client().Call(
        &v1::RuntimeService::Stub::UpdatePodSandboxResources, req, &resp);
  };
  auto s = update();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Sh("cat " + file), absl::StrCat(160 << 20, "\n"));
  v1::PodSandboxStats stats = MustStats(pod);
  EXPECT_EQ(stats.linux().memory().available_bytes().value(),
            (160u << 20) - stats.linux().memory().working_set_bytes().value());

  req.mutable_resources()->set_cpu_period(7);  // refused, nothing written
  req.mutable_resources()->set_memory_limit_in_bytes(64 << 20);
  EXPECT_EQ(update().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Sh("cat " + file), absl::StrCat(160 << 20, "\n"));

  req.mutable_resources()->set_cpu_period(0);
  req.set_pod_sandbox_id("nonexistent");
  EXPECT_EQ(update().error_code(), grpc::StatusCode::NOT_FOUND);

  v1::PodSandboxConfig plain = Config("noparent");
  req.set_pod_sandbox_id(MustRun(plain));
  EXPECT_EQ(update().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace crisp::testing
