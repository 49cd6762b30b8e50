#include "runtime/cgroups/layout.h"

#include "gtest/gtest.h"

namespace crisp::runtime::cgroups {
namespace {

constexpr char kHybrid[] =
    "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:28 / /sys/fs/cgroup/memory rw,relatime shared:5 - cgroup cgroup "
    "rw,memory\n"
    "33 30 0:29 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
    "34 30 0:30 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "35 30 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset,"
    "clone_children\n";

TEST(CgroupLayoutTest, Hybrid) {
  auto l = ParseLayout(kHybrid);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->mode, Mode::kHybrid);
  EXPECT_EQ(l->unified_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(l->v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(l->v1_mounts.at("cpuset"), "/sys/fs/cgroup/cpuset");
  EXPECT_FALSE(l->v1_mounts.contains("name=systemd"));
  EXPECT_EQ(ModeName(l->mode), "hybrid");
}

TEST(CgroupLayoutTest, UnifiedAndLegacy) {
  auto v2 = ParseLayout(
      "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 "
      "rw,nsdelegate\n");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->mode, Mode::kUnified);
  EXPECT_EQ(v2->unified_mount, "/sys/fs/cgroup");
  auto v1 = ParseLayout(
      "31 30 0:27 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->mode, Mode::kLegacy);
}

TEST(CgroupLayoutTest, NoCgroupsOrGarbage) {
  EXPECT_TRUE(absl::IsInvalidArgument(ParseLayout("").status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(ParseLayout("garbage\n1 2 3\n- - -\n").status()));
}

TEST(CgroupLayoutTest, DetectsThisMachine) { EXPECT_TRUE(DetectLayout().ok()); }

}  // namespace
}  // namespace crisp::runtime::cgroups
