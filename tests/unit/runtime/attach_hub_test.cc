// The monitor's attach side under back-pressure (audit M10), with a real
// attach socket and a pipe standing in for the container's stdin; no root.
#include "runtime/monitor/attach_hub.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "common/files.h"
#include "gtest/gtest.h"
#include "runtime/monitor/client.h"

namespace crisp::runtime::monitor {
namespace {

class AttachHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-attach-hub-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto listen = Listen(dir_ + "/attach.sock");
    ASSERT_TRUE(listen.ok()) << listen.status();
    hub_.Init(std::move(*listen), {});
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  // One turn of the monitor's loop, over the hub's fds alone; `output`
  // runs where the monitor pumps the container's output (after the poll).
  void Step(int timeout_ms, const std::function<void()>& output = nullptr) {
    std::vector<pollfd> fds;
    hub_.AddPollFds(fds);
    (void)poll(fds.data(), fds.size(), timeout_ms);
    if (output) output();
    hub_.HandlePoll(fds.data());
  }
  UniqueFd Connect() {
    auto c = ConnectAttach(dir_);
    EXPECT_TRUE(c.ok()) << c.status();
    size_t before = hub_.clients();
    for (int i = 0; i < 100 && hub_.clients() == before; ++i) Step(20);
    EXPECT_EQ(hub_.clients(), before + 1);
    return c.ok() ? std::move(*c) : UniqueFd();
  }

  std::string dir_;
  AttachHub hub_;
};

// Reads what is there without waiting; false at EOF.
bool ReadAvailable(int fd, std::string* out) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) out->append(buf, static_cast<size_t>(n));
    if (n == 0) return false;
    if (n < 0) return true;
  }
}

// The stdout payloads of `wire`, which must be whole, well-formed frames.
std::string Payloads(const std::string& wire) {
  FrameReader r;
  r.Append(wire);
  auto frames = r.Take();
  EXPECT_TRUE(frames.ok()) << frames.status();
  std::string out;
  for (const AttachFrame& f :
       frames.ok() ? *frames : std::vector<AttachFrame>{}) {
    EXPECT_EQ(f.type, FrameType::kStdout);
    out += f.payload;
  }
  return out;
}

std::string Chunk(int i, size_t size) {
  return std::string(size, static_cast<char>('a' + i % 26));
}

TEST_F(AttachHubTest, SlowClientIsDisconnectedAfterWholeFramesOnly) {
  UniqueFd slow = Connect();
  UniqueFd fast = Connect();
  std::string sent, fast_wire;
  for (int i = 0; i < 256; ++i) {  // 8 MiB, in PumpOutput's 32 KiB reads
    sent += Chunk(i, 32 * 1024);
    Step(0, [&] { hub_.Broadcast(FrameType::kStdout, Chunk(i, 32 * 1024)); });
    ReadAvailable(fast.get(), &fast_wire);
  }
  EXPECT_EQ(hub_.clients(), 1u) << "the client that never reads is let go";
  hub_.FlushFor(absl::Seconds(5));
  ReadAvailable(fast.get(), &fast_wire);
  EXPECT_TRUE(Payloads(fast_wire) == sent) << "the reader gets everything";

  std::string slow_wire;
  EXPECT_FALSE(ReadAvailable(slow.get(), &slow_wire)) << "slow got EOF";
  std::string got = Payloads(slow_wire.substr(0, slow_wire.size()));
  EXPECT_GT(got.size(), 0u);
  EXPECT_EQ(sent.compare(0, got.size(), got), 0)
      << "the slow client's frames are a clean prefix of the output";
}

TEST_F(AttachHubTest, StdinBeyondThePipeBufferAllArrivesThenEof) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  UniqueFd container_stdin(p[0]);
  hub_.SetStdinPipe(UniqueFd(p[1]));
  UniqueFd client = Connect();
  std::string sent;
  for (int i = 0; i < 128; ++i) sent += Chunk(i, 16 * 1024);  // 2 MiB
  std::thread writer([&] {
    std::string wire;
    for (int i = 0; i < 128; ++i) {
      wire += EncodeFrame(FrameType::kStdin, Chunk(i, 16 * 1024));
    }
    wire += EncodeFrame(FrameType::kCloseStdin, "");
    for (size_t off = 0; off < wire.size();) {
      ssize_t n = send(client.get(), wire.data() + off, wire.size() - off,
                       MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  });
  for (int i = 0; i < 20; ++i) Step(10);  // the container reads nothing yet
  std::string got;
  bool open = true;
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (open && absl::Now() < deadline) {
    Step(10);
    char buf[64 * 1024];
    ssize_t n;
    while ((n = read(container_stdin.get(), buf, sizeof(buf))) > 0) {
      got.append(buf, static_cast<size_t>(n));
    }
    open = n != 0;
  }
  shutdown(client.get(), SHUT_RDWR);  // unblocks the writer if it is stuck
  writer.join();
  EXPECT_FALSE(open) << "kCloseStdin closes the pipe once it is written";
  EXPECT_EQ(got.size(), sent.size());
  EXPECT_TRUE(got == sent);
}

}  // namespace
}  // namespace crisp::runtime::monitor
