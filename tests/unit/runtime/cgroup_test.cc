// Cgroup path and value mapping, and the writers run against a temp dir
// laid out like a v1 and a v2 hierarchy.
#include <stdlib.h>
#include <sys/stat.h>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/cgroups/resources.h"

namespace crisp::runtime::cgroups {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;

oci::Resources SomeResources() {
  oci::Resources r;
  r.memory = oci::Memory{};
  r.memory->limit = 64 << 20;
  r.memory->swap = 128 << 20;
  r.memory->reservation = 32 << 20;
  r.cpu = oci::Cpu{};
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->cpus = "0-1";
  r.pids = oci::Pids{42};
  r.block_io = oci::BlockIo{};
  r.block_io->weight = 500;
  r.block_io->throttle_read_bps_device = {{8, 0, 1048576}};
  r.hugepage_limits = {{"2MB", 4194304}};
  oci::DeviceRule deny;
  deny.access = "rwm";
  r.devices = {deny};
  r.unified = {{"memory.high", "50000000"}};
  return r;
}

auto Is(const std::string& ctrl, const std::string& file,
        const std::string& value) {
  return AllOf(Field(&Setting::controller, ctrl), Field(&Setting::file, file),
               Field(&Setting::value, value));
}

TEST(CgroupResourcesTest, V1Mapping) {
  auto s = V1Settings(SomeResources());
  EXPECT_THAT(s, Contains(Is("memory", "memory.limit_in_bytes", "67108864")));
  EXPECT_THAT(
      s, Contains(Is("memory", "memory.memsw.limit_in_bytes", "134217728")));
  EXPECT_THAT(s,
              Contains(Is("memory", "memory.soft_limit_in_bytes", "33554432")));
  EXPECT_THAT(s, Contains(Is("cpu", "cpu.shares", "1024")));
  EXPECT_THAT(s, Contains(Is("cpu", "cpu.cfs_quota_us", "50000")));
  EXPECT_THAT(s, Contains(Is("cpu", "cpu.cfs_period_us", "100000")));
  EXPECT_THAT(s, Contains(Is("cpuset", "cpuset.cpus", "0-1")));
  EXPECT_THAT(s, Contains(Is("pids", "pids.max", "42")));
  EXPECT_THAT(s, Contains(Is("blkio", "blkio.weight", "500")));
  EXPECT_THAT(s, Contains(Is("blkio", "blkio.throttle.read_bps_device",
                             "8:0 1048576")));
  EXPECT_THAT(s,
              Contains(Is("hugetlb", "hugetlb.2MB.limit_in_bytes", "4194304")));
  EXPECT_THAT(s, Contains(Is("devices", "devices.deny", "a *:* rwm")));
}

TEST(CgroupResourcesTest, V2Mapping) {
  auto s = V2Settings(SomeResources());
  EXPECT_THAT(s, Contains(Is("", "memory.max", "67108864")));
  EXPECT_THAT(s, Contains(Is("", "memory.swap.max", "67108864")));
  EXPECT_THAT(s, Contains(Is("", "memory.low", "33554432")));
  EXPECT_THAT(s, Contains(Is("", "cpu.weight", "39")));
  EXPECT_THAT(s, Contains(Is("", "cpu.max", "50000 100000")));
  EXPECT_THAT(s, Contains(Is("", "pids.max", "42")));
  EXPECT_THAT(s, Contains(Is("", "io.weight", "default 4950")));
  EXPECT_THAT(s, Contains(Is("", "io.max", "8:0 rbps=1048576")));
  EXPECT_THAT(s, Contains(Is("", "hugetlb.2MB.max", "4194304")));
  EXPECT_THAT(s, Contains(Is("", "memory.high", "50000000")));
}

TEST(CgroupResourcesTest, UnlimitedValues) {
  oci::Resources r;
  r.memory = oci::Memory{};
  r.memory->limit = -1;
  r.pids = oci::Pids{0};
  r.cpu = oci::Cpu{};
  r.cpu->quota = -1;
  EXPECT_THAT(V2Settings(r), Contains(Is("", "memory.max", "max")));
  EXPECT_THAT(V2Settings(r), Contains(Is("", "pids.max", "max")));
  EXPECT_THAT(V2Settings(r), Contains(Is("", "cpu.max", "max 100000")));
  EXPECT_THAT(V1Settings(r),
              Contains(Is("memory", "memory.limit_in_bytes", "-1")));
  EXPECT_EQ(SharesToWeight(2), 1u);
  EXPECT_EQ(SharesToWeight(262144), 10000u);
  EXPECT_EQ(BlkioToIoWeight(10), 1u);
  EXPECT_EQ(BlkioToIoWeight(1000), 10000u);
}

class CgroupFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-cgroup-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(root_); }
  std::string Read(const std::string& path) {
    auto text = ReadFile(root_ + path);
    return text.ok() ? *text : "<missing>";
  }
  std::string root_;
};

TEST_F(CgroupFsTest, V1WritesEachControllerDirectory) {
  Layout l;
  l.mode = Mode::kHybrid;
  for (const char* c : {"memory", "pids", "cpu", "cpuset", "net_cls"}) {
    ASSERT_TRUE(MakeDirs(root_ + "/" + c, 0755).ok());
    l.v1_mounts[c] = root_ + "/" + c;
  }
  ASSERT_TRUE(MakeDirs(root_ + "/unified", 0755).ok());
  l.unified_mount = root_ + "/unified";
  ASSERT_TRUE(WriteFileAtomic(root_ + "/cpuset/cpuset.cpus", "0-1\n").ok());
  auto cg = Cgroup::Create({l, "crisp/c1", true});
  ASSERT_TRUE(cg.ok()) << cg.status();
  EXPECT_EQ(cg->dirs().at("memory"), root_ + "/memory/crisp/c1");
  EXPECT_EQ(cg->dirs().at(""), root_ + "/unified/crisp/c1");
  EXPECT_EQ(cg->dirs().count("net_cls"), 0u);
  oci::Resources r = SomeResources();
  r.devices.clear();
  ASSERT_TRUE(cg->Apply(r).ok());
  EXPECT_EQ(Read("/memory/crisp/c1/memory.limit_in_bytes"), "67108864");
  EXPECT_EQ(Read("/pids/crisp/c1/pids.max"), "42");
  EXPECT_EQ(Read("/cpu/crisp/c1/cpu.cfs_quota_us"), "50000");
  ASSERT_TRUE(cg->AddProcess(1234).ok());
  EXPECT_EQ(Read("/pids/crisp/c1/cgroup.procs"), "1234");
  EXPECT_EQ(Read("/unified/crisp/c1/cgroup.procs"), "1234");
}

TEST_F(CgroupFsTest, V2WritesOneDirectoryAndReadsStats) {
  Layout l;
  l.mode = Mode::kUnified;
  l.unified_mount = root_;
  auto cg = Cgroup::Create({l, "/crisp/c2", true});
  ASSERT_TRUE(cg.ok()) << cg.status();
  ASSERT_TRUE(cg->Apply(SomeResources()).ok());
  EXPECT_EQ(Read("/crisp/c2/memory.max"), "67108864");
  EXPECT_EQ(Read("/crisp/c2/cpu.max"), "50000 100000");
  const std::string dir = root_ + "/crisp/c2";
  ASSERT_TRUE(
      WriteFileAtomic(dir + "/cpu.stat", "usage_usec 5\nuser_usec 3\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/memory.current", "1000\n").ok());
  ASSERT_TRUE(
      WriteFileAtomic(dir + "/memory.stat", "anon 300\ninactive_file 200\n")
          .ok());
  ASSERT_TRUE(
      WriteFileAtomic(dir + "/memory.events", "oom 1\noom_kill 2\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/pids.current", "3\n").ok());
  ASSERT_TRUE(
      WriteFileAtomic(dir + "/io.stat",
                      "8:0 rbytes=10 wbytes=20\n8:16 rbytes=1 wbytes=2\n")
          .ok());
  Stats s = cg->ReadStats();
  EXPECT_EQ(s.cpu_usage_ns, 5000u);
  EXPECT_EQ(s.memory_usage, 1000u);
  EXPECT_EQ(s.memory_working_set, 800u);
  EXPECT_EQ(s.memory_rss, 300u);
  EXPECT_EQ(s.oom_kills, 2u);
  EXPECT_EQ(s.pids, 3u);
  EXPECT_EQ(s.io_read_bytes, 11u);
  EXPECT_EQ(s.io_write_bytes, 22u);
}

TEST(CgroupStatsTest, ParsesV1Files) {
  auto m = ParseFlatKeyed("total_rss 10\ntotal_inactive_file 5\nbad\n");
  EXPECT_EQ(m["total_rss"], 10u);
  EXPECT_EQ(m.count("bad"), 0u);
  auto b =
      ParseBlkioBytes("8:0 Read 100\n8:0 Write 7\n8:16 Read 1\nTotal 108\n");
  EXPECT_EQ(b["Read"], 101u);
  EXPECT_EQ(b["Write"], 7u);
}

TEST(CgroupTest, RootCgroupIsRefused) {
  Layout l;
  l.mode = Mode::kUnified;
  l.unified_mount = "/nonexistent";
  EXPECT_FALSE(Cgroup::Create({l, "/", true}).ok());
}

}  // namespace
}  // namespace crisp::runtime::cgroups
