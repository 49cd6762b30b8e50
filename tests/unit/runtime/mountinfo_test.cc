#include "runtime/linux/mountinfo.h"

#include "gtest/gtest.h"

namespace crisp::runtime::mountinfo {
namespace {

constexpr char kText[] =
    "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "45 27 254:0 /tmp/rp /tmp/rp rw,relatime shared:7 master:1 - ext4 "
    "/dev/vda rw\n"
    "46 27 0:5 / /tmp/rpx rw - tmpfs tmpfs rw\n"
    "47 45 0:6 / /tmp/rp/with\\040space rw - tmpfs my\\134src rw,size=1k\n"
    "48 45 0:7 / /tmp/rp rw - tmpfs over rw\n"
    "garbage line\n"
    "\n";

TEST(MountInfoTest, ParsesFieldsOptionalTagsAndEscapes) {
  auto mounts = Parse(kText);
  ASSERT_EQ(mounts.size(), 5u);
  EXPECT_EQ(mounts[1].id, 45);
  EXPECT_EQ(mounts[1].parent, 27);
  EXPECT_EQ(mounts[1].root, "/tmp/rp");
  EXPECT_EQ(mounts[1].optional,
            (std::vector<std::string>{"shared:7", "master:1"}));
  EXPECT_TRUE(mounts[1].Shared());
  EXPECT_FALSE(mounts[2].Shared());
  EXPECT_EQ(mounts[3].mount_point, "/tmp/rp/with space");
  EXPECT_EQ(mounts[3].source, "my\\src");
  EXPECT_EQ(mounts[3].fstype, "tmpfs");
  EXPECT_EQ(mounts[3].super_options, "rw,size=1k");
}

TEST(MountInfoTest, MountOfTakesLongestWholeComponentPrefixAndTopmost) {
  auto mounts = Parse(kText);
  EXPECT_EQ(MountOf(mounts, "/")->id, 27);
  EXPECT_EQ(MountOf(mounts, "/usr/bin")->id, 27);
  // /tmp/rpx is not under /tmp/rp; of the two mounts on /tmp/rp the later
  // one is on top.
  EXPECT_EQ(MountOf(mounts, "/tmp/rpx/a")->id, 46);
  EXPECT_EQ(MountOf(mounts, "/tmp/rp/b/rootfs")->id, 48);
  EXPECT_EQ(MountOf(mounts, "/tmp/rp/with space/x")->id, 47);
  EXPECT_EQ(MountOf({}, "/"), nullptr);
}

}  // namespace
}  // namespace crisp::runtime::mountinfo
