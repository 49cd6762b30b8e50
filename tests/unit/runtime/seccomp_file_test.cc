#include "runtime/linux/seccomp_file.h"

#include <stdlib.h>

#include "common/files.h"
#include "gtest/gtest.h"
#include "runtime/bundle.h"

namespace crisp::runtime::seccomp {
namespace {

oci::Seccomp Profile(const std::string& denied) {
  oci::Seccomp p;
  p.default_action = "SCMP_ACT_ALLOW";
  p.syscalls.push_back({{denied}, "SCMP_ACT_ERRNO", 1, {}});
  return p;
}

class SeccompFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-seccomp-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string dir_;
};

TEST_F(SeccompFileTest, WrittenProgramIsLoadedForTheSameProfileOnly) {
  std::string path = BundleLayout(dir_).SeccompProgram();
  auto compiled = Compile(Profile("mkdir"));
  ASSERT_TRUE(compiled.ok());
  ASSERT_TRUE(WriteProgram(path, **compiled).ok());
  auto loaded = CompileOrLoad(Profile("mkdir"), path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->hash, (*compiled)->hash);
  ASSERT_EQ((*loaded)->filter.size(), (*compiled)->filter.size());
  EXPECT_EQ(0, memcmp((*loaded)->filter.data(), (*compiled)->filter.data(),
                      (*loaded)->filter.size() * sizeof(sock_filter)));

  // Another profile: compiled afresh, and the file now holds it.
  auto other = CompileOrLoad(Profile("rmdir"), path);
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->hash, (*compiled)->hash);
  EXPECT_NE(ReadFile(path)->find((*other)->hash), std::string::npos);
}

TEST_F(SeccompFileTest, GarbageFileIsIgnored) {
  std::string path = BundleLayout(dir_).SeccompProgram();
  for (const char* text :
       {"", "crisp-seccomp-1 abc 0 5\nshort", "nonsense\n", "x"}) {
    ASSERT_TRUE(WriteFileAtomic(path, text).ok());
    auto p = CompileOrLoad(Profile("mkdir"), path);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_GT((*p)->filter.size(), 0u);
  }
}

}  // namespace
}  // namespace crisp::runtime::seccomp
