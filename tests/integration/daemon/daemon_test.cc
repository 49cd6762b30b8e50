// The real crispd on a temporary socket, root and state: start-up, CRI
// basics over the wire, locking, signals and config errors.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/crispd_process.h"
#include "tests/support/requirement.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;  // gmock

class DaemonTest : public ::testing::Test {
 protected:
  void StartDaemon(const CrispdOptions& options = {}) {
    std::string error = crispd_.Start(options);
    ASSERT_EQ(error, "");
  }
  CrispdProcess crispd_;
};

TEST_F(DaemonTest, VersionNamesCrisp) {
  StartDaemon();
  v1::VersionResponse resp;
  ASSERT_TRUE(crispd_.client().Version(&resp).ok());
  EXPECT_EQ(resp.runtime_name(), "crisp");
  EXPECT_EQ(resp.runtime_api_version(), "v1");
  EXPECT_FALSE(resp.runtime_version().empty());
}

TEST_F(DaemonTest, SocketIs0660AndStateDirs0700) {
  StartDaemon();
  struct stat st;
  ASSERT_EQ(::stat(crispd_.socket().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  for (const auto& dir : {crispd_.root(), crispd_.state()}) {
    ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
  }
  EXPECT_EQ(::access((crispd_.root() + "/crisp.db").c_str(), F_OK), 0);
}

TEST_F(DaemonTest, StatusReportsNetworkNotReadyWithoutCniConfig) {
  StartDaemon();
  v1::StatusResponse resp;
  ASSERT_TRUE(crispd_.client().Status(false, &resp).ok());
  ASSERT_EQ(resp.status().conditions_size(), 2);
  EXPECT_EQ(resp.status().conditions(0).type(), "RuntimeReady");
  EXPECT_TRUE(resp.status().conditions(0).status())
      << resp.status().conditions(0).message();
  EXPECT_EQ(resp.status().conditions(1).type(), "NetworkReady");
  EXPECT_FALSE(resp.status().conditions(1).status());
  EXPECT_EQ(resp.status().conditions(1).reason(), "NetworkPluginNotReady");
  EXPECT_THAT(resp.status().conditions(1).message(), HasSubstr("net.d"));
}

TEST_F(DaemonTest, StatusReportsNetworkReadyWithBridgeConfig) {
  CRISP_REQUIRE(::access("/usr/lib/cni/bridge", X_OK) == 0,
                "containernetworking-plugins not installed "
                "(hack/install-deps.sh installs it)");
  ASSERT_TRUE(MakeDirs(crispd_.dir() + "/net.d", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(crispd_.dir() + "/net.d/10-test.conflist",
                              R"({"cniVersion": "1.0.0", "name": "test",
                                  "plugins": [{"type": "bridge"},
                                              {"type": "portmap"}]})")
                  .ok());
  StartDaemon();
  v1::StatusResponse resp;
  ASSERT_TRUE(crispd_.client().Status(true, &resp).ok());
  EXPECT_TRUE(resp.status().conditions(1).status())
      << resp.status().conditions(1).message();
  auto config = nlohmann::json::parse(resp.info().at("config"));
  EXPECT_EQ(config["root"], crispd_.root());
  EXPECT_EQ(config["cni"]["conf_dir"], crispd_.dir() + "/net.d");
}

TEST_F(DaemonTest, PendingRpcsAnswerUnimplementedNamingCapability) {
  StartDaemon();
  v1::CheckpointContainerResponse resp;
  auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CheckpointContainer,
                                 v1::CheckpointContainerRequest(), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(s.error_message(), HasSubstr("checkpoint and restore"));
  v1::RuntimeConfigResponse rc;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::RuntimeConfig,
                        v1::RuntimeConfigRequest(), &rc)
                  .ok());
  EXPECT_EQ(rc.linux().cgroup_driver(), v1::CGROUPFS);
}

TEST_F(DaemonTest, LogsOneLinePerRpc) {
  StartDaemon();
  v1::StatusResponse resp;
  ASSERT_TRUE(crispd_.client().Status(false, &resp).ok());
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  std::string log = crispd_.Log();
  EXPECT_THAT(log, HasSubstr("rpc=Status id=- code=OK duration="));
  EXPECT_THAT(log, HasSubstr("rpc=Version"));
}

TEST_F(DaemonTest, SigtermAndSigintExitZero) {
  for (int sig : {SIGTERM, SIGINT}) {
    StartDaemon();
    auto status = crispd_.Stop(sig, std::chrono::seconds(10));
    ASSERT_TRUE(status.has_value()) << "crispd ignored signal " << sig;
    EXPECT_TRUE(WIFEXITED(*status));
    EXPECT_EQ(WEXITSTATUS(*status), 0);
    EXPECT_NE(::access(crispd_.socket().c_str(), F_OK), 0)
        << "socket left behind";
  }
}

TEST_F(DaemonTest, SecondDaemonOnSameStateOrSocketRefuses) {
  StartDaemon();
  // Same state dir, own socket and root.
  auto same_state = CrispdProcess::RunOnce(
      {"--config", crispd_.config_path(), "--address",
       "unix://" + crispd_.dir() + "/other.sock", "--root",
       crispd_.dir() + "/root2", "--state", crispd_.state()});
  EXPECT_EQ(same_state.exit_code, 1);
  EXPECT_THAT(same_state.output, HasSubstr("held by another process"));
  // Same socket, own state and root.
  auto same_socket = CrispdProcess::RunOnce(
      {"--config", crispd_.config_path(), "--address", crispd_.address(),
       "--root", crispd_.dir() + "/root3", "--state",
       crispd_.dir() + "/state3"});
  EXPECT_EQ(same_socket.exit_code, 1);
  EXPECT_THAT(same_socket.output, HasSubstr(crispd_.socket()));
  // The first one is unharmed.
  v1::VersionResponse resp;
  EXPECT_TRUE(crispd_.client().Version(&resp).ok());
}

TEST_F(DaemonTest, StaleSocketIsReplaced) {
  ASSERT_TRUE(MakeDirs(crispd_.dir(), 0700).ok());
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::string path = crispd_.socket();
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);  // leaves a socket file nobody listens on
  StartDaemon();
  v1::VersionResponse resp;
  EXPECT_TRUE(crispd_.client().Version(&resp).ok());
}

TEST_F(DaemonTest, RestartReopensTheSameStore) {
  StartDaemon();
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  StartDaemon();
  v1::VersionResponse resp;
  EXPECT_TRUE(crispd_.client().Version(&resp).ok());
}

TEST(DaemonCliTest, ConfigDefaultPrintsCompleteToml) {
  auto r = CrispdProcess::RunOnce({"config", "default"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output,
              HasSubstr("address = \"unix:///run/crisp/crisp.sock\""));
  EXPECT_THAT(r.output, HasSubstr("[registries.\"docker.io\"]"));
}

TEST(DaemonCliTest, BadConfigIsAStartupErrorNamingTheKey) {
  CrispdProcess scratch;
  std::string path = scratch.dir() + "/bad.toml";
  std::ofstream(path) << "[cni]\nconfdir = \"/etc/cni/net.d\"\n";
  auto r = CrispdProcess::RunOnce({"--config", path, "--root", scratch.root(),
                                   "--state", scratch.state(), "--address",
                                   scratch.address()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("cni.confdir"));
  EXPECT_NE(::access(scratch.root().c_str(), F_OK), 0)
      << "a refused start must not create state";
}

TEST(DaemonCliTest, UnknownFlagAndMissingExplicitConfigFail) {
  auto flag = CrispdProcess::RunOnce({"--no-such-flag"});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_THAT(flag.output, HasSubstr("--no-such-flag"));
  auto missing = CrispdProcess::RunOnce({"--config", "/nonexistent/c.toml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("/nonexistent/c.toml"));
}

}  // namespace
}  // namespace crisp::testing
