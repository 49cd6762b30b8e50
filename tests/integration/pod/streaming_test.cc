// Exec, attach and port-forward through the real crispd: the RPC gives a
// URL, a small SPDY client (the server's own framing) speaks kubelet's
// protocols to it, against busybox containers in a pod.
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "streaming/remote_command.h"
#include "tests/integration/pod/lab_container_fixture.h"
#include "tests/unit/streaming/spdy_test_client.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;

class StreamingTest : public LabContainerFixture {
 protected:
  void SetUp() override {
    LabContainerFixture::SetUp();
    if (!Ready()) return;
    pc_ = PodConfig("streams");
    pod_ = MustRun(pc_);
  }

  // A started container running `cmd` under sh -c.
  std::string Run(const std::string& name, const std::string& cmd,
                  bool stdin = false) {
    std::string id =
        Create(pod_, pc_, name, cmd,
               [stdin](v1::ContainerConfig* c) { c->set_stdin(stdin); });
    v1::StartContainerRequest start;
    start.set_container_id(id);
    v1::StartContainerResponse started;
    EXPECT_TRUE(
        crispd_.client()
            .Call(&v1::RuntimeService::Stub::StartContainer, start, &started)
            .ok());
    return id;
  }

  grpc::Status Exec(v1::ExecRequest req, std::string* url) {
    v1::ExecResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::Exec, req, &resp);
    *url = resp.url();
    return s;
  }

  std::map<std::string, uint32_t> Open(SpdyTestClient& c,
                                       const std::vector<std::string>& types) {
    std::map<std::string, uint32_t> ids;
    for (const auto& t : types) ids[t] = c.Open({{"streamtype", t}});
    return ids;
  }

  std::string pod_;
  v1::PodSandboxConfig pc_;
};

TEST_F(StreamingTest, ExecPumpsStdoutStderrAndTheExitCode) {
  std::string id = Run("main", "exec sleep 1000");
  v1::ExecRequest req;
  req.set_container_id(id);
  for (const char* a : {"sh", "-c", "echo hello; echo err >&2; exit 3"}) {
    req.add_cmd(a);
  }
  req.set_stdout(true);
  req.set_stderr(true);
  std::string url;
  ASSERT_TRUE(Exec(req, &url).ok());
  EXPECT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(url, {streaming::kRemoteCommandV4}), 101);
  auto ids = Open(c, {"error", "stdout", "stderr"});
  ASSERT_TRUE(c.WaitFin(ids["error"])) << crispd_.Log();
  EXPECT_EQ(c.data[ids["stdout"]], "hello\n");
  EXPECT_EQ(c.data[ids["stderr"]], "err\n");
  auto status = nlohmann::json::parse(c.data[ids["error"]]);
  EXPECT_EQ(status["reason"], "NonZeroExitCode");
  EXPECT_EQ(status["details"]["causes"][0]["message"], "3");
}

TEST_F(StreamingTest, TtyExecGetsAPtyWithTheClientsSize) {
  std::string id = Run("main", "exec sleep 1000");
  v1::ExecRequest req;
  req.set_container_id(id);
  for (const char* a :
       {"sh", "-c", "read x; tty; stty size; echo got:$x; exit 5"}) {
    req.add_cmd(a);
  }
  req.set_tty(true);
  req.set_stdin(true);
  req.set_stdout(true);
  std::string url;
  ASSERT_TRUE(Exec(req, &url).ok());
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(url, {streaming::kRemoteCommandV4}), 101);
  auto ids = Open(c, {"error", "stdin", "stdout", "resize"});
  c.Send(ids["resize"], "{\"Width\":100,\"Height\":30}\n");
  c.Send(ids["stdin"], "abc\n");
  ASSERT_TRUE(c.WaitFin(ids["error"])) << crispd_.Log();
  std::string out = c.data[ids["stdout"]];
  EXPECT_EQ(out.find('\0'), std::string::npos) << "a NUL in: " << out;
  EXPECT_THAT(out, HasSubstr("/dev/pts/"));
  EXPECT_THAT(out, HasSubstr("30 100\r\n"));
  EXPECT_THAT(out, HasSubstr("got:abc\r\n"));
  EXPECT_EQ(nlohmann::json::parse(
                c.data[ids["error"]])["details"]["causes"][0]["message"],
            "5");
}

TEST_F(StreamingTest, AttachSeesOutputForItsInput) {
  std::string id =
      Run("echo", "while read l; do echo \"echo:$l\"; done", /*stdin=*/true);
  v1::AttachRequest req;
  req.set_container_id(id);
  req.set_stdin(true);
  req.set_stdout(true);
  req.set_stderr(true);
  v1::AttachResponse resp;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::Attach, req, &resp)
                  .ok());
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(resp.url(), {streaming::kRemoteCommandV4}), 101);
  auto ids = Open(c, {"error", "stdin", "stdout", "stderr"});
  c.Send(ids["stdin"], "hi\n");
  EXPECT_TRUE(c.Pump([&] { return c.data[ids["stdout"]] == "echo:hi\n"; },
                     absl::Seconds(20)))
      << c.data[ids["stdout"]];
}

TEST_F(StreamingTest, PortForwardReachesAListenerInThePod) {
  Run("nc", "exec nc -l -p 8080 -e echo served");
  v1::PortForwardRequest req;
  req.set_pod_sandbox_id(pod_);
  req.add_port(8080);
  v1::PortForwardResponse resp;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::PortForward, req, &resp)
                  .ok());
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(resp.url(), {streaming::kPortForwardV1}), 101);
  // nc may not listen yet: each try is a new stream pair on the connection.
  for (int attempt = 0; attempt < 50; ++attempt) {
    st::HeaderList h = {{"port", "8080"}, {"requestid", absl::StrCat(attempt)}};
    h.push_back({"streamtype", "error"});
    uint32_t err = c.Open(h);
    h.back().second = "data";
    uint32_t data = c.Open(h);
    ASSERT_TRUE(c.WaitFin(data));
    if (c.data[data] == "served\n") {
      EXPECT_TRUE(c.WaitFin(err));
      EXPECT_EQ(c.data[err], "");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "never reached nc in the pod\n" << crispd_.Log();
}

TEST_F(StreamingTest, ExecAndAttachNeedARunningContainer) {
  std::string id = Run("done", "true");
  for (int i = 0; i < 100; ++i) {
    std::string url;
    v1::ExecRequest req;
    req.set_container_id(id);
    req.add_cmd("true");
    req.set_stdout(true);
    if (Exec(req, &url).error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "exec into an exited container was accepted";
}

}  // namespace
}  // namespace crisp::testing
