// The cgroup stat readers on fixture files copied from v1 and v2 kernels
// (testdata/cgroup_stats): every figure pod and container stats report.
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "runtime/cgroups/stats.h"

namespace crisp::runtime::cgroups {
namespace {

const std::string kData = std::string(CRISP_TESTDATA_DIR) + "/cgroup_stats";

TEST(CgroupStatsFixtureTest, V2) {
  Stats s = ReadV2Stats(kData + "/v2");
  EXPECT_EQ(s.cpu_usage_ns, 2000000000u);
  EXPECT_EQ(s.cpu_user_ns, 1500000000u);
  EXPECT_EQ(s.cpu_system_ns, 500000000u);
  EXPECT_EQ(s.memory_usage, 33554432u);
  EXPECT_EQ(s.memory_working_set, 33554432u - 4194304u);
  EXPECT_EQ(s.memory_rss, 10485760u);
  EXPECT_EQ(s.memory_cache, 20971520u);
  EXPECT_EQ(s.page_faults, 5000u);
  EXPECT_EQ(s.major_page_faults, 12u);
  EXPECT_EQ(s.memory_limit, 0u);  // "max"
  EXPECT_EQ(s.MemoryAvailable(), 0u);
  EXPECT_EQ(s.memory_failcnt, 4u);
  EXPECT_EQ(s.oom_kills, 1u);
  EXPECT_EQ(s.pids, 7u);
}

TEST(CgroupStatsFixtureTest, V1UsesTheHierarchicalTotals) {
  Stats s = ReadV1Stats({{"cpuacct", kData + "/v1/cpuacct"},
                         {"memory", kData + "/v1/memory"},
                         {"pids", kData + "/v1/pids"}});
  EXPECT_EQ(s.cpu_usage_ns, 2000000000u);
  EXPECT_EQ(s.cpu_user_ns, 1500000000u);
  EXPECT_EQ(s.cpu_system_ns, 500000000u);
  EXPECT_EQ(s.memory_usage, 33554432u);
  EXPECT_EQ(s.memory_working_set, 33554432u - 4194304u);
  EXPECT_EQ(s.memory_rss, 10485760u);
  EXPECT_EQ(s.memory_cache, 20971520u);
  EXPECT_EQ(s.page_faults, 5000u);
  EXPECT_EQ(s.major_page_faults, 12u);
  EXPECT_EQ(s.memory_limit, 104857600u);
  EXPECT_EQ(s.MemoryAvailable(), 104857600u - (33554432u - 4194304u));
  EXPECT_EQ(s.memory_failcnt, 3u);
  EXPECT_EQ(s.oom_kills, 1u);
  EXPECT_EQ(s.pids, 7u);
}

TEST(CgroupStatsFixtureTest, V1BeforeUsageUserFallsBackToTicks) {
  Stats s = ReadV1Stats({{"cpuacct", kData + "/v1/cpuacct_old"}});
  const uint64_t tick_ns = 1000000000 / sysconf(_SC_CLK_TCK);
  EXPECT_EQ(s.cpu_usage_ns, 2000000000u);
  EXPECT_EQ(s.cpu_user_ns, 150 * tick_ns);
  EXPECT_EQ(s.cpu_system_ns, 50 * tick_ns);
}

TEST(CgroupStatsFixtureTest, MissingControllersReadAsZero) {
  Stats s = ReadV1Stats({});
  EXPECT_EQ(s.cpu_usage_ns, 0u);
  EXPECT_EQ(s.memory_limit, 0u);
  s = ReadV2Stats(kData + "/nonexistent");
  EXPECT_EQ(s.memory_usage, 0u);
}

TEST(CgroupStatsTest, MemoryLimit) {
  EXPECT_EQ(ParseMemoryLimit("max\n"), 0u);
  EXPECT_EQ(ParseMemoryLimit("9223372036854771712\n"), 0u);  // v1 unlimited
  EXPECT_EQ(ParseMemoryLimit("67108864\n"), 67108864u);
  EXPECT_EQ(ParseMemoryLimit(""), 0u);
  EXPECT_EQ(ParseMemoryLimit("-1"), 0u);
}

TEST(CgroupStatsTest, AvailableIsNeverNegative) {
  Stats s;
  s.memory_limit = 100;
  s.memory_working_set = 150;
  EXPECT_EQ(s.MemoryAvailable(), 0u);
  s.memory_working_set = 40;
  EXPECT_EQ(s.MemoryAvailable(), 60u);
}

TEST(CgroupStatsTest, SumOfContainersHasNoLimit) {
  Stats a, b;
  a.cpu_usage_ns = 10;
  a.memory_limit = 100;
  a.pids = 2;
  b.cpu_usage_ns = 5;
  b.memory_limit = 100;
  b.pids = 1;
  b.page_faults = 9;
  a.Add(b);
  EXPECT_EQ(a.cpu_usage_ns, 15u);
  EXPECT_EQ(a.pids, 3u);
  EXPECT_EQ(a.page_faults, 9u);
  EXPECT_EQ(a.memory_limit, 0u);
}

}  // namespace
}  // namespace crisp::runtime::cgroups
