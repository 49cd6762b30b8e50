// The working directory crispd makes in a container's rootfs: created for
// the process user, and never outside the rootfs, whatever the image's
// symlinks say.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "common/files.h"
#include "containers/rootfs_mount.h"
#include "gtest/gtest.h"

namespace crisp::containers {
namespace {

class WorkingDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-cwd-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    rootfs_ = base_ + "/rootfs";
    ASSERT_TRUE(MakeDirs(rootfs_ + "/srv", 0755).ok());
  }
  void TearDown() override { (void)RemoveAll(base_); }
  std::string base_, rootfs_;
};

TEST_F(WorkingDirTest, MissingDirIsCreatedInsideTheRootfs) {
  ASSERT_EQ(symlink((base_ + "/host").c_str(), (rootfs_ + "/app").c_str()), 0);
  ASSERT_TRUE(MakeWorkingDir(rootfs_, "/app/work", getuid(), getgid()).ok());
  struct stat st;
  // The image's absolute link is resolved in the rootfs, not on the host.
  ASSERT_EQ(stat((rootfs_ + base_ + "/host/work").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_uid, getuid());
  EXPECT_NE(access((base_ + "/host").c_str(), F_OK), 0);
  // One that exists is left alone.
  ASSERT_EQ(chmod((rootfs_ + "/srv").c_str(), 0700), 0);
  ASSERT_TRUE(MakeWorkingDir(rootfs_, "/srv", getuid(), getgid()).ok());
  ASSERT_EQ(stat((rootfs_ + "/srv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

}  // namespace
}  // namespace crisp::containers
