// crisp-monitor: detached from its starter, CRI log file, attach socket,
// exit record with OOM kill, and the runtime's start through the library.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/process.h"
#include "common/unix_socket.h"
#include "containers/monitor_runtime.h"
#include "gmock/gmock.h"
#include "runtime/linux/console.h"
#include "runtime/linux/container.h"
#include "runtime/linux/state.h"
#include "runtime/monitor/attach.h"
#include "runtime/monitor/client.h"
#include "runtime/monitor/exit_status.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class MonitorTest : public RuntimeTest {
 protected:
  void TearDown() override {
    KillMonitorsAndDelete(dirs_);
    RuntimeTest::TearDown();
  }
  // Starts a monitor for `spec`; returns its container dir.
  std::string StartMonitor(const std::string& id, const oci::Spec& spec,
                           std::vector<std::string> extra = {}) {
    std::string dir = WriteBundle(id, spec);
    dirs_.push_back(dir);
    std::vector<std::string> argv = {CRISP_MONITOR_BIN, "--id", id,
                                     "--dir",           dir,    "--log-path",
                                     dir + "/ctr.log"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("ok "));
    return dir;
  }
  absl::StatusOr<monitor::ExitStatus> WaitExit(const std::string& dir) {
    for (int i = 0; i < 200; ++i) {
      auto s = monitor::ReadExitStatus(dir);
      if (s.ok()) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return absl::DeadlineExceededError("no exit.json");
  }
  std::vector<std::string> dirs_;
};

TEST_F(MonitorTest, WritesCriLogAndExitStatusAfterItsStarterExits) {
  std::string id = Id("mon");
  std::string dir = StartMonitor(
      id, BaseSpec({"sh", "-c", "echo out1; echo err1 >&2; exit 5"}),
      {"--start"});
  auto s = WaitExit(dir);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->exit_code, 5);
  EXPECT_FALSE(s->oom_killed);
  EXPECT_GE(s->finished_at, s->started_at);
  std::string log = *ReadFile(dir + "/ctr.log");
  EXPECT_THAT(log, HasSubstr(" stdout F out1\n"));
  EXPECT_THAT(log, HasSubstr(" stderr F err1\n"));
  std::vector<std::string> lines = absl::StrSplit(log, '\n', absl::SkipEmpty());
  for (const auto& l : lines) {
    EXPECT_THAT(l, MatchesRegex("[0-9-]+T[0-9:]+\\.[0-9]{9}Z std(out|err) "
                                "[PF] .*"));
  }
}

// Recovery of an unfinished create removes the container's directory right
// after the runtime's Delete: a monitor still running then writes its exit
// record into a directory being removed (seen in crash torture). Delete
// returns only once the monitor has recorded the exit and is gone; the
// failpoint holds the monitor between the init's exit and its record.
TEST_F(MonitorTest, DeleteReturnsOnlyOnceTheMonitorIsGone) {
  std::string id = Id("del");
  setenv("CRISP_FAILPOINTS", "monitor.exit.before_record=sleep(500)", 1);
  std::string dir = StartMonitor(id, BaseSpec({"sleep", "60"}));
  unsetenv("CRISP_FAILPOINTS");
  auto monitor = monitor::FindMonitor(dir);
  ASSERT_TRUE(monitor.ok()) << monitor.status();
  containers::MonitorRuntime runtime(
      {.monitor_path = CRISP_MONITOR_BIN, .runtime_path = CRISP_RUNTIME_BIN});
  absl::Status deleted = runtime.Delete({.id = id, .dir = dir});
  ASSERT_TRUE(deleted.ok()) << deleted;
  EXPECT_TRUE(!ProcessAlive(*monitor) || state::ProcessExited(monitor->pid))
      << "monitor " << monitor->pid << " outlived Delete";
  EXPECT_TRUE(monitor::ReadExitStatus(dir).ok());
}

TEST_F(MonitorTest, ClientSpawnsFindsAndReopensLog) {
  std::string id = Id("client");
  std::string dir = WriteBundle(id, BaseSpec({"sh", "-c",
                                              "echo before; "
                                              "sleep 0.5; echo after"}));
  dirs_.push_back(dir);
  monitor::MonitorSpawn spawn;
  spawn.monitor_path = CRISP_MONITOR_BIN;
  spawn.id = id;
  spawn.dir = dir;
  spawn.log_path = dir + "/ctr.log";
  spawn.start = true;
  auto init = monitor::SpawnMonitor(spawn);
  ASSERT_TRUE(init.ok()) << init.status();
  EXPECT_GT(*init, 0);
  ASSERT_TRUE(monitor::FindMonitor(dir).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(rename((dir + "/ctr.log").c_str(), (dir + "/ctr.log.1").c_str()),
            0);
  ASSERT_TRUE(monitor::ReopenLog(dir).ok());
  ASSERT_TRUE(WaitExit(dir).ok());
  EXPECT_THAT(*ReadFile(dir + "/ctr.log.1"), HasSubstr("F before"));
  EXPECT_THAT(*ReadFile(dir + "/ctr.log"), HasSubstr("F after"));
  for (int i = 0; i < 50 && monitor::FindMonitor(dir).ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(absl::IsNotFound(monitor::FindMonitor(dir).status()));
  spawn.id = Id("broken");
  spawn.dir = WriteBundle(spawn.id, BaseSpec({"/no/such/thing"}));
  dirs_.push_back(spawn.dir);
  auto bad = monitor::SpawnMonitor(spawn);
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("/no/such/thing"));
}

TEST_F(MonitorTest, KillSignalIsRecorded) {
  std::string dir =
      StartMonitor(Id("sig"), BaseSpec({"sleep", "60"}), {"--start"});
  ASSERT_TRUE(runtime::Kill(dir + "/state", SIGTERM).ok());  // ignored by init
  ASSERT_TRUE(runtime::Kill(dir + "/state", SIGKILL).ok());
  auto st = WaitExit(dir);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->signal, SIGKILL);
  EXPECT_EQ(st->exit_code, 137);
  EXPECT_FALSE(st->oom_killed);
}

TEST_F(MonitorTest, MemoryLimitKillsAndOomIsReported) {
  oci::Spec s = BaseSpec({"sh", "-c", "a=xxxxxxxx; while :; do a=$a$a; done"});
  s.linux->resources->memory = oci::Memory{};
  s.linux->resources->memory->limit = 16 << 20;
  std::string dir = StartMonitor(Id("oom"), s, {"--start"});
  auto st = WaitExit(dir);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(st->oom_killed);
  EXPECT_EQ(st->signal, SIGKILL);
  EXPECT_EQ(st->exit_code, 137);
}

TEST_F(MonitorTest, HeldUntilStartThenAttachSeesOutputAndStdin) {
  std::string id = Id("attach");
  std::string dir = StartMonitor(
      id, BaseSpec({"sh", "-c", "read line; echo got-$line; sleep 0.2"}),
      {"--stdin"});
  auto conn = ConnectUnix(dir + "/attach.sock");
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE(runtime::Start(dir + "/state").ok());
  std::string frame =
      monitor::EncodeFrame(monitor::FrameType::kStdin, "hello\n");
  ASSERT_EQ(write(conn->get(), frame.data(), frame.size()),
            static_cast<ssize_t>(frame.size()));
  monitor::FrameReader reader;
  std::string out;
  bool exited = false;
  char buf[1024];
  while (!exited) {
    ssize_t n = read(conn->get(), buf, sizeof(buf));
    if (n <= 0) break;
    reader.Append(absl::string_view(buf, n));
    auto frames = reader.Take();
    ASSERT_TRUE(frames.ok());
    for (const auto& f : *frames) {
      if (f.type == monitor::FrameType::kStdout) out += f.payload;
      if (f.type == monitor::FrameType::kExit) exited = true;
    }
  }
  EXPECT_EQ(out, "got-hello\n") << ReadFile(dir + "/ctr.log").value_or("")
                                << ReadFile(dir + "/exit.json").value_or("");
  EXPECT_TRUE(exited);
  EXPECT_TRUE(WaitExit(dir).ok());
}

// A held init looks its command up after Start: the create succeeds, the
// start fails naming the command and errno, and the exit record keeps the
// cause with the shell's exit code; the container's log has it too.
TEST_F(MonitorTest, ACommandThatCannotRunFailsTheStartAndIsRecorded) {
  std::string dir = StartMonitor(Id("cannot"), BaseSpec({"/no/such/thing"}));
  absl::Status started = runtime::Start(dir + "/state");
  EXPECT_TRUE(absl::IsFailedPrecondition(started)) << started;
  EXPECT_THAT(std::string(started.message()),
              HasSubstr("/no/such/thing: No such file or directory"));
  auto exit = WaitExit(dir);
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->exit_code, 127);
  EXPECT_THAT(exit->cannot_run,
              HasSubstr("/no/such/thing: No such file or directory"));
  EXPECT_THAT(ReadFile(dir + "/ctr.log").value_or(""),
              HasSubstr("/no/such/thing"));
}

// M10: more stdin than a pipe holds, sent while the container is not yet
// reading, all reaches it (the monitor buffers and pushes back instead of
// dropping), and kCloseStdin gives it EOF only after the last byte.
TEST_F(MonitorTest, AttachStdinBeyondThePipeBufferAllArrives) {
  std::string dir = StartMonitor(
      Id("stdin"), BaseSpec({"sh", "-c", "sleep 0.5; wc -c"}), {"--stdin"});
  auto conn = monitor::ConnectAttach(dir);
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE(runtime::Start(dir + "/state").ok());
  std::thread writer([fd = conn->get()] {
    std::string wire;
    for (int i = 0; i < 20; ++i) {  // 320 KiB: five pipe buffers
      wire += monitor::EncodeFrame(monitor::FrameType::kStdin,
                                   std::string(16 * 1024, 'x'));
    }
    wire += monitor::EncodeFrame(monitor::FrameType::kCloseStdin, "");
    for (size_t off = 0; off < wire.size();) {
      ssize_t n = write(fd, wire.data() + off, wire.size() - off);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  });
  monitor::FrameReader reader;
  std::string out;
  bool exited = false;
  char buf[4096];
  while (!exited) {
    ssize_t n = read(conn->get(), buf, sizeof(buf));
    if (n <= 0) break;
    reader.Append(absl::string_view(buf, n));
    auto frames = reader.Take();
    ASSERT_TRUE(frames.ok());
    for (const auto& f : *frames) {
      if (f.type == monitor::FrameType::kStdout) out += f.payload;
      if (f.type == monitor::FrameType::kExit) exited = true;
    }
  }
  writer.join();
  EXPECT_THAT(out, MatchesRegex(" *327680\n")) << out;
  EXPECT_TRUE(exited);
}

TEST_F(MonitorTest, TerminalResizeThroughAttachReachesThePty) {
  oci::Spec s = BaseSpec({"sh", "-c", "sleep 0.3; stty size; sleep 0.2"});
  s.process->terminal = true;
  std::string dir = StartMonitor(Id("resize"), s);
  auto conn = monitor::ConnectAttach(dir);
  ASSERT_TRUE(conn.ok()) << conn.status();
  std::string frame =
      monitor::EncodeFrame(monitor::FrameType::kResize, "40 120");
  ASSERT_EQ(write(conn->get(), frame.data(), frame.size()),
            static_cast<ssize_t>(frame.size()));
  ASSERT_TRUE(runtime::Start(dir + "/state").ok());
  monitor::FrameReader reader;
  std::string out;
  bool exited = false;
  char buf[1024];
  while (!exited) {
    ssize_t n = read(conn->get(), buf, sizeof(buf));
    if (n <= 0) break;
    reader.Append(absl::string_view(buf, n));
    auto frames = reader.Take();
    ASSERT_TRUE(frames.ok());
    for (const auto& f : *frames) {
      EXPECT_NE(f.type, monitor::FrameType::kStderr);  // one pty stream
      if (f.type == monitor::FrameType::kStdout) out += f.payload;
      if (f.type == monitor::FrameType::kExit) exited = true;
    }
  }
  EXPECT_TRUE(exited);
  EXPECT_THAT(out, HasSubstr("40 120"));
  auto st = WaitExit(dir);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->exit_code, 0);
  EXPECT_THAT(*ReadFile(dir + "/ctr.log"), HasSubstr(" stdout F 40 120"));
}

}  // namespace
}  // namespace crisp::runtime::testing
