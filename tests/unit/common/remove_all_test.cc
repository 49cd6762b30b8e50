// RemoveAll over trees deeper than a stack or an fd table (audit H2).
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gtest/gtest.h"
#include "tests/unit/common/deep_tree.h"

namespace crisp {
namespace {

using deep_tree::MakeChain;
using deep_tree::RemoveWithRm;
using deep_tree::RunOnSmallStack;

class RemoveAllTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = deep_tree::MakeTempDir("crisp-remove-all-test");
    ASSERT_FALSE(dir_.empty());
  }
  // Not RemoveAll: the cleanup must work when RemoveAll is what failed.
  void TearDown() override { RemoveWithRm(dir_); }
  bool Exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
  }
  std::string dir_;
};

void WriteFileAt(int dirfd, const char* name) {
  int fd = ::openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    (void)!::write(fd, "x", 1);
    ::close(fd);
  }
}

std::string Chain(int levels) {
  std::string path;
  for (int i = 0; i < levels; ++i) path += "/d";
  return path;
}

// Before the fix the recursive walk overflowed this 1 MiB stack a few
// thousand levels down (crispd's 8 MiB at about 30,000).
TEST_F(RemoveAllTest, RemovesATreeDeeperThanAnyStack) {
  std::string tree = dir_ + "/deep";
  ASSERT_TRUE(MakeChain(tree, 100000, [](int fd, int level) {
    if (level % 1000 == 0) WriteFileAt(fd, "f");
  }));
  std::string out = RunOnSmallStack([&] {
    absl::Status s = RemoveAll(tree);
    return s.ok() ? std::string("ok") : s.ToString();
  });
  EXPECT_EQ(out, "ok");
  EXPECT_FALSE(Exists(tree));
}

// Deeper than the fd budget, with siblings on every level, so that
// directories reopened through ".." are read again from their start.
TEST_F(RemoveAllTest, RemovesABranchingTreeAndNoSymlinkTarget) {
  std::string outside = dir_ + "/outside";
  ASSERT_TRUE(MakeDirs(outside, 0700).ok());
  ASSERT_TRUE(WriteFileAtomic(outside + "/keep", "x").ok());
  std::string tree = dir_ + "/tree";
  ASSERT_TRUE(MakeChain(tree, 100, [&](int fd, int) {
    WriteFileAt(fd, "f");
    (void)!::symlinkat(outside.c_str(), fd, "link");
    ::mkdirat(fd, "e", 0700);
    ::mkdirat(fd, "s", 0700);
    ::mkdirat(fd, "s/t", 0700);
    WriteFileAt(fd, "s/t/x");
    (void)!::linkat(fd, "f", fd, "s/hard", 0);
  }));
  ASSERT_TRUE(Exists(tree + Chain(100) + "/s/t/x"));
  absl::Status removed = RemoveAll(tree);
  EXPECT_TRUE(removed.ok()) << removed;
  EXPECT_FALSE(Exists(tree));
  EXPECT_TRUE(Exists(outside + "/keep"));
}

// An entry that cannot go (a mount point as root, a file in a read-only
// directory otherwise) fails the call, but everything else goes, and the
// walk ends instead of reading the same directories forever.
TEST_F(RemoveAllTest, KeepsWhatItCannotRemoveAndRemovesTheRest) {
  std::string tree = dir_ + "/tree";
  ASSERT_TRUE(MakeChain(tree, 60, [](int fd, int level) {
    WriteFileAt(fd, "f");
    if (level == 40) ::mkdirat(fd, "m", 0700);
  }));
  std::string level40 = tree + Chain(40);
  std::string out = RunOnSmallStack([&] {
    std::string m = level40 + "/m";
    bool root = ::geteuid() == 0;
    if (root &&
        (::unshare(CLONE_NEWNS) != 0 ||
         ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
         ::mount("tmpfs", m.c_str(), "tmpfs", 0, "size=64k") != 0)) {
      return std::string("cannot mount tmpfs");
    }
    (void)WriteFileAtomic(m + "/x", "x");
    if (!root) ::chmod(m.c_str(), 0500);
    absl::Status s = RemoveAll(tree);
    auto bit = [&](const std::string& p) { return Exists(p) ? "1" : "0"; };
    return absl::StrCat(s.ToString(), "|", bit(m + "/x"), "|",
                        bit(level40 + "/d"), bit(level40 + "/f"));
  });
  bool root = ::geteuid() == 0;
  std::string want = root ? "FAILED_PRECONDITION: remove " + tree +
                                "/.../m (depth 41): is a mount point"
                          : "PERMISSION_DENIED: unlink " + tree +
                                "/.../x (depth 42): Permission denied";
  EXPECT_EQ(out, want + "|1|00");
  EXPECT_TRUE(Exists(level40 + "/m"));
  EXPECT_FALSE(Exists(tree + "/f"));
}

}  // namespace
}  // namespace crisp
