// Exec and attach sessions end to end without root or containers: exec
// runs a stand-in for crisp-runtime (a script taking the same arguments),
// attach talks to a stand-in monitor socket speaking runtime/monitor
// frames.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "common/files.h"
#include "common/unix_socket.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runtime/monitor/attach.h"
#include "server/stream_backends/command_backends.h"
#include "streaming/remote_command.h"
#include "streaming/streaming_server.h"
#include "tests/unit/streaming/spdy_test_client.h"

namespace crisp::streaming {
namespace {

using testing::SpdyTestClient;
namespace monitor = runtime::monitor;

class CommandSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-stream-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Start(
        "while [ \"$1\" != state ]; do\n"
        "  [ \"$1\" = --pid-file ] && echo $$ > \"$2\"\n  shift\ndone\n"
        "shift\nexec \"$@\"\n");
  }
  void TearDown() override {
    server_.reset();
    (void)system(("rm -rf " + dir_).c_str());
  }
  // A server whose crisp-runtime is the shell script `body`.
  void Start(const std::string& body) {
    server_.reset();
    std::string runtime = dir_ + "/runtime";
    std::ofstream(runtime) << "#!/bin/sh\n" << body;
    chmod(runtime.c_str(), 0755);
    StreamingServerOptions o;
    server::stream_backends::SetCommandBackends(runtime, o.backends);
    o.backends.container = [this](const std::string&) {
      return absl::StatusOr<ContainerTarget>(ContainerTarget{dir_, true});
    };
    server_ = std::move(*StreamingServer::Start(std::move(o)));
  }
  // Opens the error stream and the ones `stdio` asks for, in client-go's
  // order; returns their ids by type.
  std::map<std::string, uint32_t> Open(SpdyTestClient& c,
                                       const StdioOptions& stdio) {
    std::map<std::string, uint32_t> ids;
    ids["error"] = c.Open({{"streamtype", "error"}});
    if (stdio.stdin) ids["stdin"] = c.Open({{"streamtype", "stdin"}});
    if (stdio.stdout) ids["stdout"] = c.Open({{"streamtype", "stdout"}});
    if (stdio.stderr) ids["stderr"] = c.Open({{"streamtype", "stderr"}});
    return ids;
  }

  std::string dir_;
  std::unique_ptr<StreamingServer> server_;
};

TEST_F(CommandSessionTest, ExecPumpsStdioAndReportsTheExitCode) {
  StdioOptions stdio{false, true, true, true};
  std::string url = *server_->UrlFor(ExecStreamRequest{
      "c1",
      {"sh", "-c", "echo hello; echo err >&2; read x; echo got $x; exit 3"},
      stdio});
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(url, {kRemoteCommandV4, kRemoteCommandV3}), 101);
  EXPECT_NE(c.head.find("X-Stream-Protocol-Version: v4.channel.k8s.io"),
            std::string::npos);
  auto ids = Open(c, stdio);
  c.Send(ids["stdin"], "abc\n", /*fin=*/true);
  ASSERT_TRUE(c.WaitFin(ids["error"]));
  EXPECT_EQ(c.data[ids["stdout"]], "hello\ngot abc\n");
  EXPECT_EQ(c.data[ids["stderr"]], "err\n");
  EXPECT_TRUE(c.fin.count(ids["stdout"]) && c.fin.count(ids["stderr"]));
  auto status = nlohmann::json::parse(c.data[ids["error"]]);
  EXPECT_EQ(status["details"]["causes"][0]["message"], "3");
  EXPECT_TRUE(c.Pump([&] { return c.eof; }, absl::Seconds(10)))
      << "the server hangs up after the status";
  EXPECT_EQ(*ListDir(dir_), std::vector<std::string>{"runtime"})
      << "no pid file left";
}

TEST_F(CommandSessionTest, ExecThatNeverStartsIsAnInternalError) {
  Start("echo 'executable \"nope\" not found' >&2\nexit 1\n");
  StdioOptions stdio{false, false, true, true};
  SpdyTestClient c;
  ASSERT_EQ(
      c.Connect(*server_->UrlFor(ExecStreamRequest{"c1", {"nope"}, stdio}),
                {kRemoteCommandV4}),
      101);
  auto ids = Open(c, stdio);
  ASSERT_TRUE(c.WaitFin(ids["error"]));
  auto status = nlohmann::json::parse(c.data[ids["error"]]);
  EXPECT_EQ(status["reason"], "InternalError");
  EXPECT_NE(status["message"].get<std::string>().find("not found"),
            std::string::npos);
  EXPECT_EQ(c.data[ids["stderr"]], "") << "the runtime's error is not output";
}

TEST_F(CommandSessionTest, ClientHangingUpKillsTheExec) {
  StdioOptions stdio{false, false, true, false};
  auto c = std::make_unique<SpdyTestClient>();
  ASSERT_EQ(
      c->Connect(*server_->UrlFor(ExecStreamRequest{
                     "c1", {"sh", "-c", "echo up; exec sleep 1000"}, stdio}),
                 {kRemoteCommandV4}),
      101);
  auto ids = Open(*c, stdio);
  ASSERT_TRUE(c->Pump([&] { return c->data[ids["stdout"]] == "up\n"; },
                      absl::Seconds(10)));
  c.reset();
  server_.reset();  // waits for the session, which killed and reaped sleep
  EXPECT_EQ(ListDir(dir_)->size(), 1u);
}

// A stand-in monitor: echoes stdin as stdout; on close of stdin, exits 0.
void ServeAttach(int listen_fd) {
  UniqueFd c(accept(listen_fd, nullptr, nullptr));
  monitor::FrameReader reader;
  char buf[4096];
  for (ssize_t n; (n = read(c.get(), buf, sizeof(buf))) > 0;) {
    reader.Append(absl::string_view(buf, static_cast<size_t>(n)));
    auto frames = reader.Take();
    for (const auto& f : *frames) {
      std::string out =
          f.type == monitor::FrameType::kStdin
              ? monitor::EncodeFrame(monitor::FrameType::kStdout, f.payload)
              : monitor::EncodeFrame(monitor::FrameType::kExit, "0");
      (void)!write(c.get(), out.data(), out.size());
      if (f.type == monitor::FrameType::kCloseStdin) return;
    }
  }
}

TEST_F(CommandSessionTest, AttachJoinsTheMonitorsStreams) {
  auto listen_fd = monitor::Listen(dir_ + "/attach.sock");
  ASSERT_TRUE(listen_fd.ok()) << listen_fd.status();
  fcntl(listen_fd->get(), F_SETFL, 0);  // the stand-in blocks in accept
  std::thread monitor_thread(ServeAttach, listen_fd->get());
  StdioOptions stdio{false, true, true, true};
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(*server_->UrlFor(AttachRequest{"c1", stdio}),
                      {kRemoteCommandV4}),
            101);
  auto ids = Open(c, stdio);
  c.Send(ids["stdin"], "echo me");
  ASSERT_TRUE(c.Pump([&] { return c.data[ids["stdout"]] == "echo me"; },
                     absl::Seconds(10)));
  c.Fin(ids["stdin"]);  // stdin_once: the container's stdin closes
  ASSERT_TRUE(c.WaitFin(ids["error"]));
  EXPECT_EQ(nlohmann::json::parse(c.data[ids["error"]])["status"], "Success");
  monitor_thread.join();
}

}  // namespace
}  // namespace crisp::streaming
