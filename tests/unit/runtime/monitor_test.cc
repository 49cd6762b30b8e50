#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/files.h"
#include "gtest/gtest.h"
#include "runtime/monitor/attach.h"
#include "runtime/monitor/client.h"
#include "runtime/monitor/cri_log.h"
#include "runtime/monitor/exit_status.h"

namespace crisp::runtime::monitor {
namespace {

TEST(CriLogTest, TimestampIsRfc3339Nano) {
  EXPECT_EQ(Rfc3339Nano(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(Rfc3339Nano(1700000000123456789LL),
            "2023-11-14T22:13:20.123456789Z");
}

TEST(CriLogTest, FullAndPartialLines) {
  LineSplitter s("stdout", 4);
  EXPECT_EQ(s.Feed("ab\ncd", "T"), "T stdout F ab\n");
  EXPECT_EQ(s.Feed("ef\n", "T"), "T stdout F cdef\n");  // exactly full
  EXPECT_EQ(s.Feed("wxyz\n", "T"), "T stdout F wxyz\n");
  EXPECT_EQ(s.Feed("123456789", "T"), "T stdout P 1234\nT stdout P 5678\n");
  EXPECT_EQ(s.Flush("T"), "T stdout P 9\n");
  EXPECT_EQ(s.Flush("T"), "");
}

// The monitor runs as root: a log path that is a symlink (planted by
// whoever can write the pod's log directory) must not be followed.
TEST(CriLogTest, OpenRefusesASymlink) {
  char tmpl[] = "/tmp/crisp-crilog-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string target = dir + "/target", link = dir + "/0.log";
  ASSERT_TRUE(WriteFileAtomic(target, "", 0600).ok());
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  CriLog log(link, 100);
  EXPECT_FALSE(log.Open().ok());
  log.Write(false, "leak\n");
  EXPECT_EQ(*ReadFile(target), "");
  ASSERT_EQ(unlink(link.c_str()), 0);
  ASSERT_TRUE(log.Open().ok());  // a plain file, as after a rotation
  log.Write(false, "kept\n");
  EXPECT_NE(ReadFile(link)->find("stdout F kept"), std::string::npos);
  EXPECT_TRUE(RemoveAll(dir).ok());
}

TEST(AttachTest, FramesRoundTripAcrossReads) {
  std::string wire = EncodeFrame(FrameType::kStdin, "hello") +
                     EncodeFrame(FrameType::kResize, "24 80");
  FrameReader r;
  r.Append(wire.substr(0, 7));
  auto first = r.Take();
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->empty());
  r.Append(wire.substr(7));
  auto frames = r.Take();
  ASSERT_TRUE(frames.ok());
  ASSERT_EQ(frames->size(), 2u);
  EXPECT_EQ((*frames)[0].type, FrameType::kStdin);
  EXPECT_EQ((*frames)[0].payload, "hello");
  EXPECT_EQ((*frames)[1].payload, "24 80");
  FrameReader big;
  big.Append(std::string("\x01\x7f\xff\xff\xff", 5));
  EXPECT_FALSE(big.Take().ok());
}

TEST(ExitStatusTest, WrittenAtomicallyAndReadBack) {
  char tmpl[] = "/tmp/crisp-exit-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  EXPECT_FALSE(ReadExitStatus(tmpl).ok());
  ExitStatus s = FromWaitStatus(9);  // killed by SIGKILL
  EXPECT_EQ(s.signal, 9);
  EXPECT_EQ(s.exit_code, 137);
  s.oom_killed = true;
  s.finished_at = 42;
  ASSERT_TRUE(WriteExitStatus(tmpl, s).ok());
  auto back = ReadExitStatus(tmpl);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->exit_code, 137);
  EXPECT_EQ(back->signal, 9);
  EXPECT_TRUE(back->oom_killed);
  EXPECT_EQ(back->finished_at, 42);
  EXPECT_EQ(FromWaitStatus(3 << 8).exit_code, 3);
  EXPECT_EQ(back->cannot_run, "");
  (void)RemoveAll(tmpl);
}

// The cause is the init's text: commas, quotes and newlines survive, and a
// record of the format before the field reads as "the command ran".
TEST(ExitStatusTest, TheCauseACommandCouldNotRunSurvivesTheRoundTrip) {
  char tmpl[] = "/tmp/crisp-exit-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  ExitStatus s = FromWaitStatus(127 << 8);
  s.cannot_run = "executable \"a,b\" not found in $PATH /bin:/sbin,{}\n";
  ASSERT_TRUE(WriteExitStatus(tmpl, s).ok());
  auto back = ReadExitStatus(tmpl);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->exit_code, 127);
  EXPECT_EQ(back->cannot_run, s.cannot_run);
  ASSERT_TRUE(WriteFileAtomic(std::string(tmpl) + "/exit.json",
                              "{\"exitCode\":3,\"signal\":0,\"oomKilled\":"
                              "false,\"startedAt\":1,\"finishedAt\":2}\n",
                              0644)
                  .ok());
  back = ReadExitStatus(tmpl);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->exit_code, 3);
  EXPECT_EQ(back->finished_at, 2);
  EXPECT_EQ(back->cannot_run, "");
  (void)RemoveAll(tmpl);
}

// Security audit L9: a monitor that never reports (the container's setup
// stuck in the kernel, e.g. on a hung NFS hostPath) fails the spawn with
// DeadlineExceeded, and is killed and reaped, instead of blocking
// CreateContainer (and every retry of that name) forever.
TEST(MonitorClientTest, AMonitorThatNeverReportsIsKilledAtTheDeadline) {
  char tmpl[] = "/tmp/crisp-monitor-client-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string script = dir + "/fake-monitor";
  ASSERT_TRUE(
      WriteFileAtomic(
          script, "#!/bin/sh\necho $$ > " + dir + "/pid\nexec sleep 5\n", 0755)
          .ok());
  MonitorSpawn spawn;
  spawn.monitor_path = script;
  spawn.id = "stuck";
  spawn.dir = dir;
  spawn.report_timeout = absl::Milliseconds(500);
  auto init = SpawnMonitor(spawn);
  EXPECT_EQ(init.status().code(), absl::StatusCode::kDeadlineExceeded)
      << init.status();
  auto text = ReadFile(dir + "/pid");
  ASSERT_TRUE(text.ok()) << text.status();
  pid_t pid = std::stoi(*text);
  // Killed and reaped: not even a zombie is left.
  EXPECT_NE(kill(pid, 0), 0);
  EXPECT_EQ(errno, ESRCH);
  unlink((dir + "/pid").c_str());
  unlink(script.c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace crisp::runtime::monitor
