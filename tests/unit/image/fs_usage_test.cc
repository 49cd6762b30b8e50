// DiskUsage over trees deeper than a stack or an fd table (audit H2).
#include "image/content/fs_usage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/unit/common/deep_tree.h"

namespace crisp::image {
namespace {

using deep_tree::MakeChain;
using deep_tree::RemoveWithRm;
using deep_tree::RunOnSmallStack;

class FsUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = deep_tree::MakeTempDir("crisp-fs-usage-test");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { RemoveWithRm(dir_); }
  std::string dir_;
};

std::string Describe(const absl::StatusOr<FsUsage>& u) {
  if (!u.ok()) return u.status().ToString();
  return absl::StrCat("inodes=", u->inodes, " partial=", u->partial);
}

void WriteFileAt(int dirfd, const char* name) {
  int fd = ::openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    (void)!::write(fd, "x", 1);
    ::close(fd);
  }
}

// Before the fix the recursive walk overflowed this 1 MiB stack a few
// thousand levels down (crispd's 8 MiB at about 30,000).
TEST_F(FsUsageTest, CountsATreeDeeperThanAnyStack) {
  std::string tree = dir_ + "/deep";
  ASSERT_TRUE(MakeChain(tree, 100000));
  std::string out = RunOnSmallStack([&] {
    DiskUsageOptions all;
    all.max_depth = 1000000;
    all.max_time = std::chrono::hours(1);  // a loaded machine is slow
    return absl::StrCat(Describe(DiskUsage(tree)), ", ",
                        Describe(DiskUsage(tree, all)));
  });
  EXPECT_EQ(out, "inodes=4097 partial=1, inodes=100001 partial=0");
}

TEST_F(FsUsageTest, DirectoriesAtTheDepthCapAreCountedNotEntered) {
  std::string tree = dir_ + "/chain";
  ASSERT_TRUE(MakeChain(tree, 10));
  DiskUsageOptions options;
  options.max_depth = 3;
  EXPECT_EQ(Describe(DiskUsage(tree, options)), "inodes=4 partial=1");
  options.max_depth = 10;  // the bottom directory is not opened
  EXPECT_EQ(Describe(DiskUsage(tree, options)), "inodes=11 partial=1");
  options.max_depth = 11;
  EXPECT_EQ(Describe(DiskUsage(tree, options)), "inodes=11 partial=0");
}

// Siblings on every level and one open directory at a time, so every
// parent is reopened through ".." and read on from where it was left.
TEST_F(FsUsageTest, ResumesReopenedDirectoriesAndCountsHardLinksOnce) {
  std::string tree = dir_ + "/tree";
  ASSERT_TRUE(MakeChain(tree, 50, [&](int fd, int level) {
    WriteFileAt(fd, "f");
    ::mkdirat(fd, "e", 0700);
    ::mkdirat(fd, "s", 0700);
    WriteFileAt(fd, "s/x");
    if (level > 0) (void)!::linkat(AT_FDCWD, (tree + "/f").c_str(), fd, "h", 0);
  }));
  DiskUsageOptions one_open;
  one_open.max_open_dirs = 1;
  auto narrow = DiskUsage(tree, one_open);
  auto wide = DiskUsage(tree);
  ASSERT_TRUE(narrow.ok() && wide.ok());
  // root, then per level f, e, s, s/x, and the 50 levels' directories.
  EXPECT_EQ(narrow->inodes, 1 + 51 * 4 + 50u);
  EXPECT_EQ(narrow->inodes, wide->inodes);
  EXPECT_EQ(narrow->bytes, wide->bytes);
  EXPECT_FALSE(narrow->partial);
}

TEST_F(FsUsageTest, StopsAtTheTimeCapWithPartialFigures) {
  std::string tree = dir_ + "/wide";
  ASSERT_TRUE(MakeChain(tree, 0, [](int fd, int) {
    for (int i = 0; i < 1000; ++i) WriteFileAt(fd, std::to_string(i).c_str());
  }));
  DiskUsageOptions no_time;
  no_time.max_time = std::chrono::milliseconds(0);
  auto usage = DiskUsage(tree, no_time);
  ASSERT_TRUE(usage.ok()) << usage.status();
  EXPECT_TRUE(usage->partial);
  EXPECT_LT(usage->inodes, 1001u);
  EXPECT_EQ(Describe(DiskUsage(tree)), "inodes=1001 partial=0");
}

}  // namespace
}  // namespace crisp::image
