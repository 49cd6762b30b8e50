#include "cni/result.h"

#include "cni/version.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::cni {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What the bridge plugin prints for a 0.4.0 list (host-local ipam).
constexpr char kBridge040[] = R"({
  "cniVersion": "0.4.0",
  "interfaces": [
    {"name": "cni0", "mac": "6e:4f:1a:00:00:01"},
    {"name": "veth1234", "mac": "6e:4f:1a:00:00:02"},
    {"name": "eth0", "mac": "6e:4f:1a:00:00:03", "sandbox": "/run/netns/p"}],
  "ips": [{"version": "4", "interface": 2, "address": "10.88.0.5/16",
           "gateway": "10.88.0.1"}],
  "routes": [{"dst": "0.0.0.0/0"}],
  "dns": {"nameservers": ["10.96.0.10"], "domain": "cluster.local",
          "search": ["default.svc.cluster.local"], "options": ["ndots:5"]}})";

// A dual-stack 1.0.0 result whose host side also has an address.
constexpr char kDual100[] = R"({
  "cniVersion": "1.0.0",
  "interfaces": [
    {"name": "cni0", "mac": "6e:4f:1a:00:00:01"},
    {"name": "eth0", "mac": "6e:4f:1a:00:00:03", "sandbox": "/run/netns/p"}],
  "ips": [{"interface": 1, "address": "fd00::5/64", "gateway": "fd00::1"},
          {"interface": 0, "address": "10.88.0.1/16"},
          {"interface": 1, "address": "10.88.0.5/16"}],
  "routes": [{"dst": "::/0", "gw": "fd00::1"}],
  "extra": {"kept": true}})";

TEST(ResultTest, ParsesA040BridgeResult) {
  auto r = ParseResult("bridge", kBridge040);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->cni_version, "0.4.0");
  ASSERT_EQ(r->interfaces.size(), 3u);
  EXPECT_EQ(r->interfaces[2].sandbox, "/run/netns/p");
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].address, "10.88.0.5/16");
  EXPECT_EQ(r->ips[0].gateway, "10.88.0.1");
  EXPECT_EQ(r->ips[0].interface, 2u);
  ASSERT_EQ(r->routes.size(), 1u);
  EXPECT_EQ(r->routes[0].dst, "0.0.0.0/0");
  EXPECT_THAT(r->dns.nameservers, ElementsAre("10.96.0.10"));
  EXPECT_EQ(r->dns.domain, "cluster.local");
  EXPECT_THAT(r->dns.search, ElementsAre("default.svc.cluster.local"));
  EXPECT_THAT(r->dns.options, ElementsAre("ndots:5"));
  EXPECT_EQ(PodIps(*r), std::vector<std::string>{"10.88.0.5"});
}

TEST(ResultTest, Parses100DualStackKeepingTheRawJson) {
  auto r = ParseResult("ptp", kDual100);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->json["extra"]["kept"], true);
  EXPECT_EQ(r->routes[0].gw, "fd00::1");
  // IPv4 first, the host-side 10.88.0.1 left out.
  EXPECT_THAT(PodIps(*r), ElementsAre("10.88.0.5", "fd00::5"));
}

TEST(ResultTest, AddressesWithoutInterfaceIndexArePodAddresses) {
  auto r = ParseResult("ipam", R"({"cniVersion": "1.0.0",
      "ips": [{"address": "fd00::7/64"}, {"address": "10.1.0.7/24"}]})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(PodIps(*r), ElementsAre("10.1.0.7", "fd00::7"));
}

TEST(ResultTest, Converts020Results) {
  auto r = ParseResult("old", R"({"cniVersion": "0.2.0",
      "ip4": {"ip": "10.1.0.7/24", "gateway": "10.1.0.1",
              "routes": [{"dst": "0.0.0.0/0"}]},
      "ip6": {"ip": "fd00::7/64"},
      "dns": {"nameservers": ["10.1.0.1"]}})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->interfaces.empty());
  ASSERT_EQ(r->ips.size(), 2u);
  EXPECT_EQ(r->ips[0].gateway, "10.1.0.1");
  EXPECT_FALSE(r->ips[0].interface.has_value());
  EXPECT_EQ(r->routes.size(), 1u);
  EXPECT_THAT(PodIps(*r), ElementsAre("10.1.0.7", "fd00::7"));
  nlohmann::json as100 = ResultJsonForVersion(*r, "1.0.0");
  EXPECT_EQ(as100["cniVersion"], "1.0.0");
  EXPECT_EQ(as100["ips"][1]["address"], "fd00::7/64");
  EXPECT_FALSE(as100["ips"][1].contains("version"));
  EXPECT_EQ(as100["dns"]["nameservers"][0], "10.1.0.1");
}

TEST(ResultTest, ConvertsBetweenCurrentVersionsByIpVersionField) {
  auto r040 = ParseResult("bridge", kBridge040);
  ASSERT_TRUE(r040.ok());
  nlohmann::json up = ResultJsonForVersion(*r040, "1.0.0");
  EXPECT_EQ(up["cniVersion"], "1.0.0");
  EXPECT_FALSE(up["ips"][0].contains("version"));
  auto r100 = ParseResult("ptp", kDual100);
  ASSERT_TRUE(r100.ok());
  nlohmann::json down = ResultJsonForVersion(*r100, "0.3.1");
  EXPECT_EQ(down["ips"][0]["version"], "6");
  EXPECT_EQ(down["ips"][1]["version"], "4");
  EXPECT_EQ(down["extra"]["kept"], true);
  EXPECT_EQ(ResultJsonForVersion(*r100, "1.0.0"), r100->json);
}

TEST(ResultTest, MalformedResultsNameSourceAndField) {
  struct Case {
    const char* text;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {"garbage", "not JSON"},
           {"[1]", "not a JSON object"},
           {R"({"cniVersion": "9.9.9"})", "cniVersion"},
           {R"({"cniVersion": 1})", "cniVersion"},
           {R"({"cniVersion": "1.0.0", "interfaces": {}})", "interfaces"},
           {R"({"cniVersion": "1.0.0", "interfaces": [{"mac": "x"}]})",
            "interfaces[0].name"},
           {R"({"cniVersion": "1.0.0", "ips": [{}]})", "ips[0].address"},
           {R"({"cniVersion": "1.0.0", "ips": [{"address": "10.0.0.1"}]})",
            "ips[0].address"},
           {R"({"cniVersion": "1.0.0", "ips": [{"address": "10.0.0.1/33"}]})",
            "ips[0].address"},
           {R"({"cniVersion": "1.0.0", "ips": [{"address": "1.2.3.4/8",
                "gateway": "nope"}]})",
            "ips[0].gateway"},
           {R"({"cniVersion": "1.0.0", "ips": [{"address": "1.2.3.4/8",
                "interface": 0}]})",
            "ips[0].interface"},
           {R"({"cniVersion": "1.0.0", "interfaces": [{"name": "e"}],
                "ips": [{"address": "1.2.3.4/8", "interface": -1}]})",
            "ips[0].interface"},
           {R"({"cniVersion": "1.0.0", "routes": [{"gw": "1.1.1.1"}]})",
            "routes[0].dst"},
           {R"({"cniVersion": "1.0.0", "dns": {"nameservers": "1.1.1.1"}})",
            "dns: nameservers: expected an array of strings"},
           {R"({"cniVersion": "0.2.0", "ip4": {"ip": "bad"}})", "ip4.ip"},
       }) {
    auto r = ParseResult("CNI plugin /bin/x ADD", c.text);
    ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr("CNI plugin /bin/x ADD"));
    EXPECT_THAT(r.status().message(), HasSubstr(c.field)) << c.text;
  }
}

TEST(ResultTest, PodIpsNeverIndexOutOfRange) {
  Result r;
  r.ips.push_back({"10.0.0.1/8", "", 5});
  EXPECT_TRUE(PodIps(r).empty());
}

TEST(VersionTest, ComparesSemanticVersions) {
  EXPECT_TRUE(VersionAtLeast("1.0.0", "0.4.0"));
  EXPECT_TRUE(VersionAtLeast("0.4.0", "0.4.0"));
  EXPECT_TRUE(VersionAtLeast("0.10.0", "0.4.0"));
  EXPECT_FALSE(VersionAtLeast("0.3.1", "0.4.0"));
  EXPECT_FALSE(VersionAtLeast("", "0.4.0"));
  EXPECT_FALSE(VersionAtLeast("x.y", "0.2.0"));
}

}  // namespace
}  // namespace crisp::cni
