#include <sys/mount.h>

#include "gtest/gtest.h"
#include "runtime/linux/mount_options.h"

namespace crisp::runtime::mounts {
namespace {

TEST(MountOptionsTest, FlagsPropagationAndData) {
  MountOptions o = ParseOptions(
      {"nosuid", "noexec", "ro", "rprivate", "mode=755", "size=64k"});
  EXPECT_EQ(o.flags,
            static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_RDONLY));
  EXPECT_EQ(o.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  EXPECT_EQ(o.data, "mode=755,size=64k");
  EXPECT_FALSE(o.bind);
}

TEST(MountOptionsTest, LaterOptionsClearEarlierOnes) {
  MountOptions o = ParseOptions({"ro", "rw", "nodev", "dev", "noatime"});
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOATIME));
}

TEST(MountOptionsTest, BindRbindAndRecursiveReadonly) {
  MountOptions bind = ParseOptions({"bind"});
  EXPECT_TRUE(bind.bind);
  EXPECT_FALSE(bind.recursive);
  MountOptions rbind = ParseOptions({"rbind", "rro", "rslave"});
  EXPECT_TRUE(rbind.bind && rbind.recursive && rbind.recursive_ro);
  EXPECT_TRUE(rbind.flags & MS_RDONLY);
  EXPECT_EQ(rbind.propagation, static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_TRUE(ParseOptions({"tmpcopyup"}).tmpcopyup);
}

}  // namespace
}  // namespace crisp::runtime::mounts
