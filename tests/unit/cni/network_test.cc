#include "cni/network.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "cni/plugin_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cni/fake_plugins.h"

namespace crisp::cni {
namespace {

using testing::CniError;
using ::testing::ElementsAre;
using testing::FakePlugins;
using ::testing::HasSubstr;
using Json = nlohmann::json;

Json ResultFrom(const std::string& plugin, const std::string& ip) {
  return {{"cniVersion", "1.0.0"},
          {"interfaces", {{{"name", "eth0"}, {"sandbox", "/run/netns/t"}}}},
          {"ips", {{{"address", ip + "/24"}, {"interface", 0}}}},
          {"dns", {{"domain", plugin}}}};
}

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fakes_.WriteResult("a", ResultFrom("a", "10.9.0.1"));
    fakes_.WriteResult("b", ResultFrom("b", "10.9.0.2"));
    fakes_.WriteResult("c", ResultFrom("c", "10.9.0.3"));
  }

  // A list of the fake plugins: a wants portMappings (and not bandwidth),
  // b wants bandwidth, c wants nothing.
  Network Make(std::vector<std::string> types = {"a", "b", "c"},
               const std::string& version = "1.0.0", Json extra = {}) {
    Json list = {{"cniVersion", version}, {"name", "testnet"}};
    if (extra.is_object()) list.update(extra);
    for (const auto& t : types) {
      Json p = {{"type", t}, {"own", t + "-setting"}};
      if (t == "a") {
        p["capabilities"] = {{"portMappings", true}, {"bandwidth", false}};
      }
      if (t == "b") p["capabilities"] = {{"bandwidth", true}};
      list["plugins"].push_back(p);
    }
    auto config = ParseNetworkConfig("/test.conflist", list.dump());
    EXPECT_TRUE(config.ok()) << config.status();
    return Network(
        *config, {{fakes_.bin(), "/nonexistent"}, fakes_.dir() + "/cache", {}});
  }

  Attachment Pod() {
    Attachment a;
    a.container_id = "abc123";
    a.netns_path = "/run/netns/t";
    a.ifname = "eth0";
    a.cni_args = {{"K8S_POD_NAMESPACE", "ns"}, {"K8S_POD_NAME", "p"}};
    a.runtime_config = {{"portMappings", {{{"hostPort", 8080}}}},
                        {"bandwidth", {{"ingressRate", 1000}}},
                        {"ipRanges", Json::array()}};
    return a;
  }

  std::string CachePath() const {
    return fakes_.dir() + "/cache/results/testnet-abc123-eth0";
  }

  FakePlugins fakes_;
};

TEST_F(NetworkTest, AddThreadsPrevResultAndFiltersRuntimeConfig) {
  auto result = Make().Add(Pod());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(fakes_.Calls(), ElementsAre("a ADD", "b ADD", "c ADD"));
  Json a = fakes_.Stdin("a", "ADD");
  EXPECT_EQ(a["name"], "testnet");
  EXPECT_EQ(a["cniVersion"], "1.0.0");
  EXPECT_EQ(a["own"], "a-setting");
  EXPECT_FALSE(a.contains("prevResult"));
  EXPECT_EQ(a["runtimeConfig"],
            Json({{"portMappings", {{{"hostPort", 8080}}}}}));
  Json b = fakes_.Stdin("b", "ADD");
  EXPECT_EQ(b["prevResult"], ResultFrom("a", "10.9.0.1"));
  EXPECT_EQ(b["runtimeConfig"], Json({{"bandwidth", {{"ingressRate", 1000}}}}));
  Json c = fakes_.Stdin("c", "ADD");
  EXPECT_EQ(c["prevResult"], ResultFrom("b", "10.9.0.2"));
  EXPECT_FALSE(c.contains("runtimeConfig"));
  EXPECT_EQ(result->json, ResultFrom("c", "10.9.0.3"));
  EXPECT_THAT(PodIps(*result), ElementsAre("10.9.0.3"));
  auto env = fakes_.Env("b", "ADD");
  EXPECT_EQ(env["CNI_ARGS"],
            "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p");
  EXPECT_EQ(env["CNI_PATH"], fakes_.bin() + ":/nonexistent");
  EXPECT_EQ(env["CNI_NETNS"], "/run/netns/t");
  EXPECT_EQ(env["CNI_CONTAINERID"], "abc123");
  EXPECT_EQ(env["CNI_IFNAME"], "eth0");
  EXPECT_EQ(::access(CachePath().c_str(), R_OK), 0);
}

TEST_F(NetworkTest, DelUsesTheCacheInReverseAndRemovesIt) {
  Network net = Make();
  ASSERT_TRUE(net.Add(Pod()).ok());
  Attachment del = Pod();
  del.runtime_config = Json::object();  // the cached one is used
  ASSERT_TRUE(net.Del(del).ok());
  EXPECT_THAT(fakes_.Calls(), ElementsAre("a ADD", "b ADD", "c ADD", "c DEL",
                                          "b DEL", "a DEL"));
  for (const char* p : {"a", "b", "c"}) {
    EXPECT_EQ(fakes_.Stdin(p, "DEL")["prevResult"], ResultFrom("c", "10.9.0.3"))
        << p;
  }
  EXPECT_EQ(fakes_.Stdin("a", "DEL")["runtimeConfig"],
            Json({{"portMappings", {{{"hostPort", 8080}}}}}));
  EXPECT_NE(::access(CachePath().c_str(), F_OK), 0);
  EXPECT_TRUE(absl::IsNotFound(net.CachedResult(Pod()).status()));
}

TEST_F(NetworkTest, DelWithoutCacheStillRunsEveryPlugin) {
  Attachment a = Pod();
  a.netns_path = "";  // the netns may be gone already
  ASSERT_TRUE(Make().Del(a).ok());
  EXPECT_THAT(fakes_.Calls(), ElementsAre("c DEL", "b DEL", "a DEL"));
  EXPECT_FALSE(fakes_.Stdin("b", "DEL").contains("prevResult"));
  EXPECT_EQ(fakes_.Env("b", "DEL")["CNI_NETNS"], "");
}

TEST_F(NetworkTest, DelTakesNotFoundAsDone) {
  fakes_.Write("b",
               absl::StrCat("[ \"$CNI_COMMAND\" = DEL ] || exit 0\necho '",
                            CniError(7, "Link not found", ""), "'; exit 1"));
  ASSERT_TRUE(Make().Del(Pod()).ok());
  EXPECT_THAT(fakes_.Calls(), ElementsAre("c DEL", "b DEL", "a DEL"));
}

TEST_F(NetworkTest, DelStopsAtAnErrorAndKeepsTheCacheForARetry) {
  Network net = Make();
  ASSERT_TRUE(net.Add(Pod()).ok());
  fakes_.Write("b",
               absl::StrCat("[ \"$CNI_COMMAND\" = DEL ] || exit 0\necho '",
                            CniError(11, "iptables locked", ""), "'; exit 1"));
  auto status = net.Del(Pod());
  ASSERT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("CNI network testnet DEL"));
  EXPECT_THAT(status.message(), HasSubstr("iptables locked"));
  EXPECT_THAT(fakes_.Calls(),
              ElementsAre("a ADD", "b ADD", "c ADD", "c DEL", "b DEL"));
  EXPECT_TRUE(net.CachedResult(Pod()).ok());
}

TEST_F(NetworkTest, FailedAddRollsBackInReverseOrder) {
  std::string b = fakes_.Write(
      "b", absl::StrCat("[ \"$CNI_COMMAND\" = ADD ] || exit 0\necho '",
                        CniError(7, "bad subnet", "10.0.0.0/33"), "'; exit 1"));
  auto result = Make().Add(Pod());
  ASSERT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(result.status().message(),
              HasSubstr("CNI network testnet ADD for container abc123"));
  EXPECT_THAT(result.status().message(),
              HasSubstr(b + " ADD failed: bad subnet"));
  EXPECT_THAT(result.status().message(), HasSubstr("details: 10.0.0.0/33"));
  // The spec: DEL for every plugin of the list, in reverse, even those
  // never added; no prevResult, since the ADD produced none.
  EXPECT_THAT(fakes_.Calls(),
              ElementsAre("a ADD", "b ADD", "c DEL", "b DEL", "a DEL"));
  EXPECT_FALSE(fakes_.Stdin("a", "DEL").contains("prevResult"));
  EXPECT_NE(::access(CachePath().c_str(), F_OK), 0);
}

TEST_F(NetworkTest, GarbageResultIsRejectedAndRolledBack) {
  std::string a = fakes_.Write("a", "echo 'this is not json'");
  auto result = Make().Add(Pod());
  ASSERT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr(a + " ADD"));
  EXPECT_THAT(result.status().message(), HasSubstr("not JSON"));
  EXPECT_THAT(fakes_.Calls(), ElementsAre("a ADD", "c DEL", "b DEL", "a DEL"));
}

TEST_F(NetworkTest, MissingPluginFailsBeforeAnythingRuns) {
  auto result = Make({"a", "absent"}).Add(Pod());
  ASSERT_TRUE(absl::IsNotFound(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("absent"));
  EXPECT_TRUE(fakes_.Calls().empty());
}

TEST_F(NetworkTest, CheckRunsInOrderWithTheCachedResult) {
  Network net = Make();
  ASSERT_TRUE(net.Add(Pod()).ok());
  ASSERT_TRUE(net.Check(Pod()).ok());
  EXPECT_THAT(fakes_.Calls(), ElementsAre("a ADD", "b ADD", "c ADD", "a CHECK",
                                          "b CHECK", "c CHECK"));
  EXPECT_EQ(fakes_.Stdin("a", "CHECK")["prevResult"],
            ResultFrom("c", "10.9.0.3"));
}

TEST_F(NetworkTest, CheckNeedsAnAddAnd040) {
  EXPECT_TRUE(absl::IsFailedPrecondition(Make().Check(Pod())));
  EXPECT_TRUE(absl::IsFailedPrecondition(Make({"a"}, "0.3.1").Check(Pod())));
  EXPECT_TRUE(Make({"a"}, "1.0.0", {{"disableCheck", true}}).Check(Pod()).ok());
  EXPECT_TRUE(fakes_.Calls().empty());
}

TEST_F(NetworkTest, OlderPluginResultIsConvertedToTheListVersion) {
  fakes_.WriteResult(
      "a", {{"cniVersion", "0.2.0"}, {"ip4", {{"ip", "10.9.0.9/24"}}}});
  ASSERT_TRUE(Make().Add(Pod()).ok());
  Json prev = fakes_.Stdin("b", "ADD")["prevResult"];
  EXPECT_EQ(prev["cniVersion"], "1.0.0");
  EXPECT_EQ(prev["ips"][0]["address"], "10.9.0.9/24");
}

TEST_F(NetworkTest, UnsafeAttachmentsAreRefused) {
  Attachment a = Pod();
  a.container_id = "../x";
  EXPECT_TRUE(absl::IsInvalidArgument(Make().Add(a).status()));
  a = Pod();
  a.cni_args.push_back({"K", "v;INJECTED=1"});
  EXPECT_TRUE(absl::IsInvalidArgument(Make().Add(a).status()));
  a = Pod();
  a.netns_path = "";
  EXPECT_TRUE(absl::IsInvalidArgument(Make().Add(a).status()));
  EXPECT_TRUE(fakes_.Calls().empty());
}

TEST_F(NetworkTest, InvalidUtf8FromTheCallerIsReplacedNotThrown) {
  Attachment a = Pod();
  a.cni_args.push_back({"K8S_POD_NAME", "bad\xff"});
  a.runtime_config["portMappings"] = {{{"hostIP", "bad\xff"}}};
  auto result = Make().Add(a);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(
      fakes_.Stdin("a", "ADD")["runtimeConfig"]["portMappings"][0]["hostIP"],
      "bad\xef\xbf\xbd");
}

TEST_F(NetworkTest, HandBuiltConfigWithoutPluginsIsRefused) {
  NetworkConfig config;
  config.name = "hand";
  config.plugin_types = {"a"};
  Network net(config, {{fakes_.bin()}, fakes_.dir() + "/cache", {}});
  EXPECT_TRUE(absl::IsInvalidArgument(net.Add(Pod()).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(net.Del(Pod())));
  EXPECT_TRUE(fakes_.Calls().empty());
}

TEST(PluginConfigTest, RuntimeConfigOnlyForDeclaredCapabilities) {
  ListContext list{"n", "1.0.0", {{"dns", {{"servers", {"1.1.1.1"}}}}}};
  Json own = {{"type", "x"}, {"runtimeConfig", {{"static", 1}}}};
  // No capability matches: the plugin's own runtimeConfig stays.
  EXPECT_EQ(BuildPluginConfig(own, list, nullptr)["runtimeConfig"],
            Json({{"static", 1}}));
  own["capabilities"] = {{"dns", true}};
  Json built = BuildPluginConfig(own, list, {{"cniVersion", "1.0.0"}});
  EXPECT_EQ(built["runtimeConfig"],
            Json({{"dns", {{"servers", {"1.1.1.1"}}}}}));
  EXPECT_EQ(built["prevResult"]["cniVersion"], "1.0.0");
  EXPECT_EQ(built["name"], "n");
}

}  // namespace
}  // namespace crisp::cni
