#include "common/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace crisp {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-files-test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { ASSERT_TRUE(RemoveAll(dir_).ok()); }
  std::string dir_;
};

TEST_F(FilesTest, WriteFileAtomicReplacesContentAndMode) {
  std::string path = dir_ + "/state.json";
  ASSERT_TRUE(WriteFileAtomic(path, "old", 0600).ok());
  ASSERT_TRUE(WriteFileAtomic(path, "new content", 0640).ok());
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "new content");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(FilesTest, WriteFileAtomicLeavesNoTempFileOnFailure) {
  auto status = WriteFileAtomic(dir_ + "/missing-dir/file", "x");
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
  EXPECT_NE(status.message().find("missing-dir"), absl::string_view::npos);
}

TEST_F(FilesTest, ReadFileOfMissingPathIsNotFoundNamingIt) {
  auto text = ReadFile(dir_ + "/nope");
  ASSERT_TRUE(absl::IsNotFound(text.status()));
  EXPECT_NE(text.status().message().find("/nope"), absl::string_view::npos);
}

TEST_F(FilesTest, MakeDirsCreatesNestedWithMode) {
  std::string path = dir_ + "/a/b/c";
  ASSERT_TRUE(MakeDirs(path, 0700).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(MakeDirs(path, 0700).ok());  // idempotent
}

TEST_F(FilesTest, MakeDirsRefusesAFileInTheWay) {
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/f", "x").ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(MakeDirs(dir_ + "/f", 0700)));
}

TEST_F(FilesTest, RemoveAllRemovesTreeButNotSymlinkTargets) {
  std::string outside = dir_ + "/outside";
  ASSERT_TRUE(MakeDirs(outside, 0700).ok());
  ASSERT_TRUE(WriteFileAtomic(outside + "/keep", "x").ok());
  std::string tree = dir_ + "/tree";
  ASSERT_TRUE(MakeDirs(tree + "/sub/deeper", 0700).ok());
  ASSERT_TRUE(WriteFileAtomic(tree + "/sub/file", "x").ok());
  ASSERT_EQ(::symlink(outside.c_str(), (tree + "/link").c_str()), 0);
  ASSERT_TRUE(RemoveAll(tree).ok());
  EXPECT_NE(::access(tree.c_str(), F_OK), 0);
  EXPECT_EQ(::access((outside + "/keep").c_str(), F_OK), 0);
  EXPECT_TRUE(RemoveAll(tree).ok());  // missing is fine
}

TEST_F(FilesTest, FileLockIsExclusiveUntilReleased) {
  std::string path = dir_ + "/lock";
  {
    auto first = FileLock::Acquire(path);
    ASSERT_TRUE(first.ok()) << first.status();
    // flock locks belong to the open file description, so a second open in
    // the same process conflicts just as another process would.
    auto second = FileLock::Acquire(path);
    EXPECT_TRUE(absl::IsFailedPrecondition(second.status()));
    EXPECT_NE(second.status().message().find(path), absl::string_view::npos);
  }
  EXPECT_TRUE(FileLock::Acquire(path).ok());
}

}  // namespace
}  // namespace crisp
