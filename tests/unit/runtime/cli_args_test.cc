#include "gtest/gtest.h"
#include "runtime/cli/args.h"

namespace crisp::runtime::cli {
namespace {

absl::StatusOr<Args> Parse(std::vector<std::string> words) {
  std::vector<char*> argv = {const_cast<char*>("crisp-runtime")};
  for (auto& w : words) argv.push_back(w.data());
  return ParseArgs(static_cast<int>(argv.size()), argv.data());
}

TEST(CliArgsTest, RuncStyleFlags) {
  auto a = Parse({"--root", "/r", "--log=/l", "create", "--bundle", "/b",
                  "-pid-file", "/p", "c1"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->verb, "create");
  EXPECT_EQ(a->Get("bundle"), "/b");
  EXPECT_EQ(a->Get("pid-file"), "/p");
  EXPECT_EQ(a->Get("log"), "/l");
  EXPECT_EQ(*a->StateDir(), "/r/c1");
}

TEST(CliArgsTest, ExecCommandKeepsItsOwnFlags) {
  auto a = Parse({"exec", "-t", "c1", "sh", "-c", "echo --x"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->Has("tty"));
  ASSERT_EQ(a->positional.size(), 4u);
  EXPECT_EQ(a->positional[2], "-c");
  EXPECT_EQ(a->positional[3], "echo --x");
}

TEST(CliArgsTest, BadInput) {
  EXPECT_FALSE(Parse({}).ok());
  EXPECT_FALSE(Parse({"create", "--bundle"}).ok());
  auto a = Parse({"delete", "-f", "../x"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->Has("force"));
  EXPECT_FALSE(a->StateDir().ok());
}

}  // namespace
}  // namespace crisp::runtime::cli
