// The streaming server over real sockets on 127.0.0.1, no root: HTTP
// answers for bad requests, and port forwarding to a local echo server
// (an empty netns path means the server's own namespace).
#include "streaming/streaming_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "gtest/gtest.h"
#include "streaming/remote_command.h"
#include "tests/unit/streaming/spdy_test_client.h"

namespace crisp::streaming {
namespace {

using testing::SpdyTestClient;

// Accepts one connection on 127.0.0.1 and echoes it until EOF, then says
// "bye" and closes (so a half-close from the client is tested).
class EchoServer {
 public:
  EchoServer() {
    listen_.Reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(listen_.get(), 4);
    socklen_t len = sizeof(a);
    getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      UniqueFd c(accept(listen_.get(), nullptr, nullptr));
      char buf[4096];
      ssize_t n;
      while ((n = read(c.get(), buf, sizeof(buf))) > 0) {
        (void)!write(c.get(), buf, static_cast<size_t>(n));
      }
      (void)!write(c.get(), "bye", 3);
    });
  }
  ~EchoServer() {
    shutdown(listen_.get(), SHUT_RDWR);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  UniqueFd listen_;
  int port_ = 0;
  std::thread thread_;
};

// A TCP connection to 127.0.0.1:`port` that sends nothing; reads give up
// after 5 s (so a server that never answers fails the test, not hangs it).
UniqueFd IdleConnection(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  timeval tv{5, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// What the server says before it hangs up (or 5 s pass).
std::string ReadAll(int fd) {
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
  return out;
}

constexpr int kTestMaxConnections = 4;

class StreamingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StreamingServerOptions o;
    o.max_connections = kTestMaxConnections;
    o.backends.pod_netns =
        [](const std::string&) -> absl::StatusOr<std::string> {
      return std::string();
    };
    auto s = StreamingServer::Start(std::move(o));
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }
  std::string Url(StreamRequest r) { return *server_->UrlFor(std::move(r)); }

  std::unique_ptr<StreamingServer> server_;
};

TEST_F(StreamingServerTest, UrlNamesKindAndToken) {
  std::string url = Url(ExecStreamRequest{"c1", {"ls"}, {}});
  EXPECT_EQ(url.rfind(server_->base_url() + "/exec/", 0), 0u) << url;
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(Url(PortForwardRequest{"p"}).find("/portforward/"),
            server_->base_url().size());
}

TEST_F(StreamingServerTest, UnknownTokenIs404AndATokenIsSingleUse) {
  SpdyTestClient bad;
  EXPECT_EQ(bad.Connect(server_->base_url() + "/exec/nope", {}), 404);
  std::string url = Url(PortForwardRequest{"p", {80}});
  SpdyTestClient first, second;
  EXPECT_EQ(first.Connect(url, {kPortForwardV1}), 101);
  EXPECT_NE(first.head.find("X-Stream-Protocol-Version: portforward.k8s.io"),
            std::string::npos);
  EXPECT_EQ(second.Connect(url, {kPortForwardV1}), 404);
}

TEST_F(StreamingServerTest, NoUpgradeIs400AndNoCommonProtocolIs403) {
  SpdyTestClient plain, retry, alien;
  std::string url = Url(AttachRequest{});
  EXPECT_EQ(plain.Connect(url, {kRemoteCommandV4}, false), 400);
  EXPECT_EQ(retry.Connect(url, {"v9.channel.k8s.io"}), 403)
      << "a refused upgrade leaves the token usable";
  EXPECT_EQ(alien.Connect(Url(AttachRequest{}), {"v9.channel.k8s.io"}), 403);
  EXPECT_NE(alien.head.find("X-Accepted-Stream-Protocol-Versions"),
            std::string::npos);
}

TEST_F(StreamingServerTest, PortForwardCopiesBothWaysWithHalfClose) {
  EchoServer echo;
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(Url(PortForwardRequest{"p"}), {kPortForwardV1}), 101);
  std::string port = std::to_string(echo.port());
  uint32_t err =
      c.Open({{"streamtype", "error"}, {"port", port}, {"requestid", "0"}});
  uint32_t data =
      c.Open({{"streamtype", "data"}, {"port", port}, {"requestid", "0"}});
  ASSERT_NE(err, 0u);
  ASSERT_NE(data, 0u);
  c.Fin(err);  // as client-go: it never writes on the error stream
  c.Send(data, "ping");
  ASSERT_TRUE(
      c.Pump([&] { return c.data[data] == "ping"; }, absl::Seconds(10)));
  c.Ping(42);
  c.Fin(data);
  ASSERT_TRUE(c.WaitFin(data));
  EXPECT_EQ(c.data[data], "pingbye");
  ASSERT_TRUE(c.WaitFin(err));
  EXPECT_EQ(c.data[err], "");
  EXPECT_EQ(c.pings, std::vector<uint32_t>{42});
}

TEST_F(StreamingServerTest, PortForwardReportsARefusedPortOnTheErrorStream) {
  SpdyTestClient c;
  ASSERT_EQ(c.Connect(Url(PortForwardRequest{"pod1"}), {kPortForwardV1}), 101);
  // Port 1 on loopback: nothing listens there.
  uint32_t err =
      c.Open({{"streamtype", "error"}, {"port", "1"}, {"requestid", "7"}});
  uint32_t data =
      c.Open({{"streamtype", "data"}, {"port", "1"}, {"requestid", "7"}});
  ASSERT_TRUE(c.WaitFin(err));
  EXPECT_NE(c.data[err].find("error forwarding port 1 to pod pod1"),
            std::string::npos)
      << c.data[err];
  EXPECT_TRUE(c.fin.count(data));
  EXPECT_EQ(c.Open({{"streamtype", "data"}, {"port", "0"}}), 0u)
      << "port 0 is refused";
}

// M6: connections beyond the cap get 503 at once (no thread each); the
// sessions already open keep working, and a slot freed is served again.
TEST_F(StreamingServerTest, ConnectionsOverTheCapGet503) {
  SpdyTestClient live;
  ASSERT_EQ(live.Connect(Url(PortForwardRequest{"p"}), {kPortForwardV1}), 101);
  std::vector<UniqueFd> idle;
  for (int i = 1; i < kTestMaxConnections; ++i) {
    idle.push_back(IdleConnection(server_->port()));
  }
  for (int i = 0; i < 3; ++i) {
    UniqueFd extra = IdleConnection(server_->port());
    EXPECT_EQ(ReadAll(extra.get()).rfind("HTTP/1.1 503 Service Unavailable", 0),
              0u);
  }
  live.Ping(7);
  ASSERT_TRUE(live.Pump([&] { return !live.pings.empty(); }, absl::Seconds(5)));
  idle.pop_back();  // frees a slot once the server sees the hang-up
  int code = 503;
  for (int i = 0; i < 100 && code == 503; ++i) {
    SpdyTestClient again;
    code = again.Connect(server_->base_url() + "/exec/nope", {});
    if (code == 503) usleep(20000);
  }
  EXPECT_EQ(code, 404);
}

}  // namespace
}  // namespace crisp::streaming
