// Registries that redirect blob downloads to another host, or stall in the
// middle of one (tests/integration/image/fake_registry.py).
#include <chrono>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/registry/http_client.h"
#include "nlohmann/json.hpp"
#include "tests/integration/image/aux_servers.h"
#include "tests/integration/image/image_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;

class FakeRegistryTest : public ImageTest {
 protected:
  void StartFake(const std::string& mode) {
    port_ = FreePort();
    std::string script = std::string(CRISP_SOURCE_DIR) +
                         "/tests/integration/image/fake_registry.py";
    std::vector<std::string> argv = {"python3",    script,
                                     "--listen",   host(),
                                     "--upstream", "http://" + LabRegistry()};
    if (!mode.empty()) argv.push_back(mode);
    ASSERT_TRUE(fake_.Start(argv, crispd_.dir() + "/fake.log"));
    ASSERT_TRUE(WaitHttp("http://" + host() + "/leaks"));
  }
  std::string host() { return "127.0.0.1:" + std::to_string(port_); }
  nlohmann::json Leaks() {
    image::HttpRequest req;
    req.url = "http://" + host() + "/leaks";
    auto resp = image::HttpDo(req);
    return resp.ok() ? nlohmann::json::parse(resp->body) : nlohmann::json();
  }
  v1::AuthConfig Creds() {
    v1::AuthConfig a;
    a.set_username("crisp");
    a.set_password("crisp-secret");
    return a;
  }
  int port_ = 0;
  ChildProcess fake_;
};

TEST_F(FakeRegistryTest, RedirectToAnotherHostDropsTheCredentials) {
  SKIP_UNLESS_LAB_UP();
  StartDaemon();
  StartFake("");
  std::string id;
  v1::AuthConfig auth = Creds();
  grpc::Status s = Pull(host() + "/e2e-test-images/busybox:1.29-2", &id, &auth);
  ASSERT_TRUE(s.ok()) << s.error_message();
  nlohmann::json leaks = Leaks();
  EXPECT_GT(leaks.value("storage_requests", 0), 0);
  EXPECT_EQ(leaks.value("with_authorization", -1), 0);
}

TEST_F(FakeRegistryTest, DroppedDownloadsResumeWithARangeRequest) {
  SKIP_UNLESS_LAB_UP();
  StartDaemon();
  StartFake("--drop-once");
  std::string id;
  v1::AuthConfig auth = Creds();
  grpc::Status s = Pull(host() + "/e2e-test-images/busybox:1.29-2", &id, &auth);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(id, ConfigDigest("e2e-test-images/busybox", "1.29-2"));
  EXPECT_GT(Leaks().value("range_requests", 0), 0);
}

TEST_F(FakeRegistryTest, StalledDownloadFailsAfterTheStallTimeout) {
  SKIP_UNLESS_LAB_UP();
  StartDaemon("[image]\nstall_timeout_seconds = 1\n");
  StartFake("--stall");
  std::string id;
  v1::AuthConfig auth = Creds();
  auto start = std::chrono::steady_clock::now();
  grpc::Status s = Pull(host() + "/e2e-test-images/busybox:1.29-2", &id, &auth);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("no progress"));
  EXPECT_LT(took, std::chrono::seconds(30)) << crispd_.Log();
  EXPECT_TRUE(List().empty());
}

// Security audit L9: a PullImage whose client gave up (its deadline passed)
// stops at once instead of holding the download until the stall timeout:
// the partial blob goes, and the daemon pulls on as before.
TEST_F(FakeRegistryTest, APullWhoseClientGaveUpStopsAndLeavesNoPartialBlob) {
  SKIP_UNLESS_LAB_UP();
  StartDaemon("[image]\nstall_timeout_seconds = 600\n");
  StartFake("--stall");
  CriClient impatient(crispd_.address(), std::chrono::seconds(3));
  v1::PullImageRequest req;
  req.mutable_image()->set_image(host() + "/e2e-test-images/busybox:1.29-2");
  *req.mutable_auth() = Creds();
  v1::PullImageResponse resp;
  grpc::Status s =
      impatient.Call(&v1::ImageService::Stub::PullImage, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << s.error_message();
  EXPECT_GT(Leaks().value("storage_requests", 0), 0);  // a download began
  std::string ingest = crispd_.root() + "/content/ingest";
  for (int i = 0; i < 100 && !Entries(ingest).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(Entries(ingest), ::testing::IsEmpty()) << crispd_.Log();
  std::string id;
  grpc::Status next = Pull(Lab("e2e-test-images/busybox:1.29-2"), &id);
  EXPECT_TRUE(next.ok()) << next.error_message();
  EXPECT_TRUE(List().size() == 1);
}

}  // namespace
}  // namespace crisp::testing
