// RuntimeService RPCs called directly with a fake NodeHealth: no socket,
// no root.
#include "server/runtime_service/runtime_service.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/version.h"

namespace crisp::server {
namespace {

class FakeHealth : public NodeHealth {
 public:
  Condition runtime{true, "", ""};
  Condition network{false, "NetworkPluginNotReady", "no config in /x"};
  Condition RuntimeReady() override { return runtime; }
  Condition NetworkReady() override { return network; }
};

class RuntimeServiceTest : public ::testing::Test {
 protected:
  Config config_;
  FakeHealth health_;
  RuntimeService service_{{&config_, &health_}};
  grpc::ServerContext ctx_;
};

TEST_F(RuntimeServiceTest, VersionNamesCrispAndV1) {
  v1::VersionResponse resp;
  ASSERT_TRUE(service_.Version(&ctx_, nullptr, &resp).ok());
  EXPECT_EQ(resp.runtime_name(), "crisp");
  EXPECT_EQ(resp.runtime_version(), kRuntimeVersion);
  EXPECT_EQ(resp.runtime_api_version(), "v1");
  EXPECT_EQ(resp.version(), "0.1.0");
}

TEST_F(RuntimeServiceTest, StatusReportsBothConditions) {
  v1::StatusRequest req;
  v1::StatusResponse resp;
  ASSERT_TRUE(service_.Status(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.status().conditions_size(), 2);
  const auto& rt = resp.status().conditions(0);
  const auto& net = resp.status().conditions(1);
  EXPECT_EQ(rt.type(), "RuntimeReady");
  EXPECT_TRUE(rt.status());
  EXPECT_EQ(net.type(), "NetworkReady");
  EXPECT_FALSE(net.status());
  EXPECT_EQ(net.reason(), "NetworkPluginNotReady");
  EXPECT_EQ(net.message(), "no config in /x");
  EXPECT_TRUE(resp.info().empty());
}

TEST_F(RuntimeServiceTest, VerboseStatusCarriesEffectiveConfig) {
  config_.root = "/custom/root";
  v1::StatusRequest req;
  req.set_verbose(true);
  v1::StatusResponse resp;
  ASSERT_TRUE(service_.Status(&ctx_, &req, &resp).ok());
  auto j = nlohmann::json::parse(resp.info().at("config"));
  EXPECT_EQ(j["root"], "/custom/root");
}

// No AppArmor state is wired here: the node has none, and says so (M9).
TEST_F(RuntimeServiceTest, VerboseStatusSaysWhetherAppArmorConfines) {
  v1::StatusRequest req;
  req.set_verbose(true);
  v1::StatusResponse resp;
  ASSERT_TRUE(service_.Status(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.info().count("apparmor"), 1u);
  EXPECT_NE(resp.info().at("apparmor").find("AppArmor is unavailable"),
            std::string::npos);
}

TEST_F(RuntimeServiceTest, RuntimeConfigReportsCgroupfs) {
  v1::RuntimeConfigResponse resp;
  ASSERT_TRUE(service_.RuntimeConfig(&ctx_, nullptr, &resp).ok());
  EXPECT_EQ(resp.linux().cgroup_driver(), v1::CGROUPFS);
}

TEST_F(RuntimeServiceTest, UpdateRuntimeConfigRecordsPodCidr) {
  v1::UpdateRuntimeConfigRequest req;
  req.mutable_runtime_config()->mutable_network_config()->set_pod_cidr(
      "10.88.0.0/16");
  v1::UpdateRuntimeConfigResponse resp;
  ASSERT_TRUE(service_.UpdateRuntimeConfig(&ctx_, &req, &resp).ok());
  EXPECT_EQ(service_.pod_cidr(), "10.88.0.0/16");
}

TEST_F(RuntimeServiceTest, PendingRpcNamesItsCapability) {
  v1::CheckpointContainerRequest req;
  v1::CheckpointContainerResponse resp;
  grpc::Status s = service_.CheckpointContainer(&ctx_, &req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(s.error_message().find("checkpoint and restore"),
            std::string::npos);
}

}  // namespace
}  // namespace crisp::server
