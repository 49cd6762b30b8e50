#include "cni/network_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/files.h"
#include "gtest/gtest.h"

namespace crisp::cni {
namespace {

TEST(NetworkConfigTest, ConflistKeepsPluginsInOrder) {
  auto c = ParseNetworkConfig("/x.conflist", R"({
    "cniVersion": "1.0.0", "name": "pods",
    "plugins": [{"type": "bridge"}, {"type": "portmap"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "pods");
  EXPECT_EQ(c->cni_version, "1.0.0");
  EXPECT_EQ(c->plugin_types, (std::vector<std::string>{"bridge", "portmap"}));
}

TEST(NetworkConfigTest, SinglePluginConfBecomesList) {
  auto c = ParseNetworkConfig(
      "/x.conf", R"({"cniVersion": "0.4.0", "name": "n", "type": "bridge"})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->list["plugins"][0]["type"], "bridge");
  EXPECT_EQ(c->plugin_types.size(), 1u);
}

TEST(NetworkConfigTest, MalformedConfigsNameFileAndField) {
  for (const char* text :
       {"not json", "[]", R"({"plugins": [{"type": "x"}]})",
        R"({"name": "n", "plugins": []})", R"({"name": "n", "plugins": [{}]})",
        R"({"name": "n", "plugins": [{"type": 3}]})"}) {
    auto c = ParseNetworkConfig("/etc/cni/net.d/bad.conflist", text);
    ASSERT_TRUE(absl::IsInvalidArgument(c.status())) << text;
    EXPECT_NE(c.status().message().find("bad.conflist"),
              absl::string_view::npos);
  }
}

// Audit M8: a wrongly typed name or cniVersion threw nlohmann::type_error
// out of the parser (and of FindDefaultNetwork, failing Status).
TEST(NetworkConfigTest, WronglyTypedFieldsAreErrorsNamingThem) {
  for (const char* text :
       {R"({"name": "n", "cniVersion": 1.0, "type": "bridge"})",
        R"({"name": 7, "cniVersion": "1.0.0", "type": "bridge"})",
        R"({"name": "n", "cniVersion": [], "plugins": [{"type": "x"}]})",
        R"({"name": {}, "plugins": [{"type": "x"}]})",
        R"({"name": "n", "plugins": [3]})",
        R"({"name": "n", "plugins": {"type": "x"}})"}) {
    absl::StatusOr<NetworkConfig> c;
    EXPECT_NO_THROW(c = ParseNetworkConfig("/etc/cni/net.d/bad.conf", text));
    ASSERT_TRUE(absl::IsInvalidArgument(c.status())) << text;
    EXPECT_NE(c.status().message().find("bad.conf"), absl::string_view::npos);
  }
  auto c = ParseNetworkConfig("/x.conf", R"({"name": "n", "cniVersion": 1})");
  EXPECT_NE(
      c.status().message().find("cniVersion: expected a string, got number"),
      absl::string_view::npos)
      << c.status();
}

class NetworkDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-cni-test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { ASSERT_TRUE(RemoveAll(dir_).ok()); }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/" + name, text).ok());
  }
  std::string dir_;
};

TEST_F(NetworkDirTest, FirstValidConfigInLexicalOrderWins) {
  Write("05-broken.conflist", "{");
  Write("20-b.conf", R"({"name": "b", "type": "bridge"})");
  Write("10-a.conflist", R"({"name": "a", "plugins": [{"type": "ptp"}]})");
  Write("00-ignored.txt", R"({"name": "z", "type": "bridge"})");
  auto c = FindDefaultNetwork(dir_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "a");
}

TEST_F(NetworkDirTest, WronglyTypedFileIsSkippedForTheNextGoodOne) {
  Write("10-typed.conf", R"({"name": "t", "cniVersion": 1.0, "type": "x"})");
  Write("20-good.conflist",
        R"({"name": "good", "cniVersion": "1.0.0",
            "plugins": [{"type": "ptp"}]})");
  absl::StatusOr<NetworkConfig> c;
  EXPECT_NO_THROW(c = FindDefaultNetwork(dir_));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "good");
  EXPECT_EQ(c->cni_version, "1.0.0");
}

TEST_F(NetworkDirTest, EmptyOrMissingDirIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(FindDefaultNetwork(dir_).status()));
  EXPECT_TRUE(absl::IsNotFound(FindDefaultNetwork(dir_ + "/none").status()));
  Write("1.conf", "garbage");
  auto c = FindDefaultNetwork(dir_);
  ASSERT_TRUE(absl::IsNotFound(c.status()));
  EXPECT_NE(c.status().message().find("1.conf"), absl::string_view::npos);
}

TEST_F(NetworkDirTest, FindPluginSearchesDirsInOrder) {
  std::string a = dir_ + "/a", b = dir_ + "/b";
  ASSERT_TRUE(MakeDirs(a, 0755).ok());
  ASSERT_TRUE(MakeDirs(b, 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(b + "/bridge", "#!/bin/sh\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(a + "/noexec", "", 0644).ok());
  EXPECT_EQ(*FindPlugin("bridge", {a, b}), b + "/bridge");
  EXPECT_TRUE(absl::IsNotFound(FindPlugin("noexec", {a}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FindPlugin("../x", {a}).status()));
}

}  // namespace
}  // namespace crisp::cni
