// The CNI module against Debian's real plugins (bridge + host-local,
// portmap, tuning) in a network namespace of the test's own. Nothing
// leaves the host: the bridge has no address and no traffic is sent.
// TearDown deletes the netns, the bridge and the temp dir whatever the
// outcome.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cni/network.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/requirement.h"

namespace crisp::cni {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kPluginDir[] = "/usr/lib/cni";
constexpr char kSubnetPrefix[] = "10.201.0.";

struct Shell {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

// Test-only: every command is built from names this test made.
Shell Sh(const std::string& command) {
  Shell r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = ::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool HavePlugins() {
  for (const char* p : {"bridge", "host-local", "portmap", "tuning"}) {
    if (::access(absl::StrCat(kPluginDir, "/", p).c_str(), X_OK) != 0) {
      return false;
    }
  }
  return true;
}

class BridgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(::geteuid() == 0, "CNI integration tests need root");
    CRISP_REQUIRE(HavePlugins(),
                  "containernetworking-plugins not installed in /usr/lib/cni "
                  "(hack/install-deps.sh installs it)");
    CRISP_REQUIRE(Sh("ip -V").exit_code == 0, "iproute2 not installed");
    char tmpl[] = "/tmp/crisp-cni-it.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
    ns_ = absl::StrCat("crisp-cni-test-", ::getpid());
    bridge_ = absl::StrCat("crispt", ::getpid());  // at most 13 of 15 chars
    Shell add = Sh("ip netns add " + ns_);
    ASSERT_EQ(add.exit_code, 0) << add.out;
    netns_made_ = true;
    WriteFailingPlugin();
  }

  void TearDown() override {
    if (network_ && added_) {
      absl::Status s = network_->Del(Pod());
      EXPECT_TRUE(s.ok()) << "cleanup DEL: " << s;
    }
    if (netns_made_) {
      EXPECT_EQ(Sh("ip netns del " + ns_).exit_code, 0);
    }
    if (!bridge_.empty()) Sh("ip link del " + bridge_);  // absent if unmade
    if (!tmp_.empty()) {
      EXPECT_TRUE(RemoveAll(tmp_).ok());
    }
  }

  // A plugin that fails ADD with a CNI error and accepts everything else.
  void WriteFailingPlugin() {
    ASSERT_TRUE(MakeDirs(tmp_ + "/bin", 0755).ok());
    ASSERT_TRUE(WriteFileAtomic(tmp_ + "/bin/crisp-fail",
                                "#!/bin/sh\n[ \"$CNI_COMMAND\" = ADD ] || "
                                "exit 0\necho '{\"cniVersion\": \"1.0.0\", "
                                "\"code\": 100, \"msg\": \"failpoint\"}'\n"
                                "exit 1\n",
                                0755)
                    .ok());
  }

  std::string NetworkName() const { return "crisp-test-" + bridge_; }

  void MakeNetwork(bool failing_last) {
    Json range = {{"subnet", "10.201.0.0/24"}};
    Json ipam = {{"type", "host-local"},
                 {"dataDir", tmp_ + "/ipam"},
                 {"ranges", Json::array({Json::array({range})})}};
    Json plugins = Json::array(
        {{{"type", "bridge"},
          {"bridge", bridge_},
          {"isGateway", false},
          {"ipMasq", false},
          {"ipam", ipam}},
         {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}},
         {{"type", "tuning"}}});
    if (failing_last) plugins.push_back({{"type", "crisp-fail"}});
    Json list = {
        {"cniVersion", "1.0.0"}, {"name", NetworkName()}, {"plugins", plugins}};
    auto config = ParseNetworkConfig(tmp_ + "/net.conflist", list.dump());
    ASSERT_TRUE(config.ok()) << config.status();
    network_.emplace(
        *config,
        NetworkOptions{{kPluginDir, tmp_ + "/bin"}, tmp_ + "/cache", {}});
  }

  Attachment Pod() const {
    Attachment a;
    a.container_id = absl::StrCat("crispcnitest", ::getpid());
    a.netns_path = "/var/run/netns/" + ns_;
    a.ifname = "eth0";
    a.cni_args = {{"K8S_POD_NAMESPACE", "default"},
                  {"K8S_POD_NAME", "cni-test"},
                  {"K8S_POD_INFRA_CONTAINER_ID", a.container_id},
                  {"K8S_POD_UID", "00000000-0000-0000-0000-000000000001"}};
    // portmap is called with the capability but no mapping: it adds no
    // rule to the host's firewall.
    a.runtime_config = {{"portMappings", Json::array()},
                        {"bandwidth", Json::object()}};
    return a;
  }

  // Addresses host-local holds for the network (one file per address).
  std::vector<std::string> Reserved() const {
    auto names = ListDir(tmp_ + "/ipam/" + NetworkName());
    std::vector<std::string> ips;
    for (const auto& n : names.value_or(std::vector<std::string>{})) {
      if (absl::StartsWith(n, kSubnetPrefix)) ips.push_back(n);
    }
    return ips;
  }

  std::string BridgePorts() const {
    return Sh("ip -o link show master " + bridge_).out;
  }

  std::string tmp_, ns_, bridge_;
  bool netns_made_ = false;
  bool added_ = false;
  std::optional<Network> network_;
};

TEST_F(BridgeTest, AddCheckDelThroughRealPlugins) {
  ASSERT_NO_FATAL_FAILURE(MakeNetwork(false));
  auto result = network_->Add(Pod());
  added_ = result.ok();
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<std::string> ips = PodIps(*result);
  ASSERT_EQ(ips.size(), 1u) << result->json.dump();
  EXPECT_TRUE(absl::StartsWith(ips[0], kSubnetPrefix)) << ips[0];
  ASSERT_TRUE(result->ips[0].interface.has_value());
  const Interface& eth0 = result->interfaces[*result->ips[0].interface];
  EXPECT_EQ(eth0.name, "eth0");
  EXPECT_EQ(eth0.sandbox, Pod().netns_path);
  EXPECT_EQ(Reserved(), std::vector<std::string>{ips[0]});

  Shell addr = Sh("ip netns exec " + ns_ + " ip -o addr show dev eth0");
  EXPECT_THAT(addr.out, HasSubstr("inet " + ips[0] + "/24"));
  EXPECT_THAT(BridgePorts(), HasSubstr("veth"));

  absl::Status check = network_->Check(Pod());
  EXPECT_TRUE(check.ok()) << check;

  absl::Status del = network_->Del(Pod());
  added_ = !del.ok();
  ASSERT_TRUE(del.ok()) << del;
  EXPECT_EQ(BridgePorts(), "");
  EXPECT_NE(Sh("ip netns exec " + ns_ + " ip link show eth0").exit_code, 0);
  EXPECT_TRUE(Reserved().empty());
  EXPECT_TRUE(absl::IsNotFound(network_->CachedResult(Pod()).status()));
}

TEST_F(BridgeTest, FailingLastPluginRollsBackEverything) {
  ASSERT_NO_FATAL_FAILURE(MakeNetwork(true));
  auto result = network_->Add(Pod());
  added_ = result.ok();
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("crisp-fail ADD failed"));
  EXPECT_THAT(result.status().message(), HasSubstr("failpoint"));
  EXPECT_EQ(BridgePorts(), "");  // the veth pair is gone
  EXPECT_NE(Sh("ip netns exec " + ns_ + " ip link show eth0").exit_code, 0);
  EXPECT_TRUE(Reserved().empty());  // host-local released the address
}

}  // namespace
}  // namespace crisp::cni
