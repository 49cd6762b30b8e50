// Paths inside a rootfs: creation follows symlinks of the image, but only
// ever inside the root.
#include "runtime/linux/paths.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "common/files.h"
#include "gtest/gtest.h"

namespace crisp::runtime::paths {
namespace {

class PathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-paths-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ + "/root";
    ASSERT_TRUE(MakeDirs(root_ + "/etc", 0755).ok());
    ASSERT_TRUE(MakeDirs(base_ + "/outside", 0755).ok());
    root_fd_ = UniqueFd(open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_fd_);
  }
  void TearDown() override { (void)RemoveAll(base_); }

  void Link(const std::string& target, const std::string& rel) {
    ASSERT_EQ(symlink(target.c_str(), (root_ + rel).c_str()), 0) << rel;
  }
  bool IsFile(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  std::string base_, root_;
  UniqueFd root_fd_;
};

// runc creates the target of a dangling /etc/hosts (resolv.conf, hostname)
// symlink so that the pod's file can be mounted over it.
TEST_F(PathsTest, CreateFollowsADanglingSymlinkInsideTheRoot) {
  Link("/run/hosts", "/etc/hosts");
  Link("../run/dns/resolv.conf", "/etc/resolv.conf");
  Link("../../outside/hostname", "/etc/hostname");
  for (const char* p : {"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"}) {
    auto fd = CreateInRoot(root_fd_.get(), p, false);
    EXPECT_TRUE(fd.ok()) << p << ": " << fd.status();
  }
  EXPECT_TRUE(IsFile(root_ + "/run/hosts"));
  EXPECT_TRUE(IsFile(root_ + "/run/dns/resolv.conf"));
  EXPECT_TRUE(IsFile(root_ + "/outside/hostname"));
  EXPECT_FALSE(IsFile(base_ + "/outside/hostname"));  // never on the host
  // A dangling directory link is created as a directory, inside too.
  Link("/../../outside/dir", "/data");
  auto dir = CreateInRoot(root_fd_.get(), "/data/sub", true);
  EXPECT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(access((root_ + "/outside/dir/sub").c_str(), F_OK), 0);
  EXPECT_NE(access((base_ + "/outside/dir").c_str(), F_OK), 0);
}

TEST_F(PathsTest, CreateStopsOnASymlinkLoop) {
  Link("/etc/b", "/etc/a");
  Link("/etc/a", "/etc/b");
  EXPECT_FALSE(CreateInRoot(root_fd_.get(), "/etc/a", false).ok());
}

}  // namespace
}  // namespace crisp::runtime::paths
