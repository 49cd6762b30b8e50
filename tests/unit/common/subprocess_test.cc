#include "common/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::subprocess {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

SpawnOptions Shell(const std::string& script) {
  return {.path = "/bin/sh",
          .argv = {"sh", "-c", script},
          .out = Stdio::Pipe(),
          .err = Stdio::Pipe()};
}

// True when `pid` has exited: gone, or a zombie nobody reaped (PID 1 here
// does not reap orphans).
bool Dead(pid_t pid) {
  auto stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return true;
  size_t close = stat->rfind(')');
  return close != std::string::npos && stat->substr(close + 2, 1) == "Z";
}

class SubprocessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-subprocess-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  pid_t ReadPid(const std::string& name) {
    auto text = ReadFile(dir_ + "/" + name);
    pid_t pid = 0;
    EXPECT_TRUE(text.ok() &&
                absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid))
        << name;
    return pid;
  }
  std::string dir_;
};

TEST_F(SubprocessTest, ReportsExitCodesAndKillingSignals) {
  auto exited = subprocess::Run(Shell("exit 3"));
  ASSERT_TRUE(exited.ok()) << exited.status();
  EXPECT_FALSE(exited->timed_out);
  EXPECT_EQ(ExitCode(exited->wait_status), 3);
  auto killed = subprocess::Run(Shell("kill -KILL $$"));
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_TRUE(WIFSIGNALED(killed->wait_status));
  EXPECT_EQ(ExitCode(killed->wait_status), 128 + SIGKILL);
}

TEST_F(SubprocessTest, CapturesStdoutAndStderrApart) {
  auto run = subprocess::Run(Shell("echo out; echo err >&2; echo more"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->out, "out\nmore\n");
  EXPECT_EQ(run->err, "err\n");
  EXPECT_EQ(run->wait_status, 0);
}

TEST_F(SubprocessTest, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // Far more than a pipe holds, on both streams at once: a reader that
  // drained one stream before the other would wait for ever.
  auto run =
      subprocess::Run(Shell("head -c 3000000 /dev/zero >&2 & "
                            "head -c 2000000 /dev/zero; wait"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->out.size(), 2000000u);
  EXPECT_EQ(run->err.size(), 3000000u);
}

TEST_F(SubprocessTest, OutputBeyondTheLimitIsReadAndDropped) {
  auto run = subprocess::Run(Shell("head -c 1000000 /dev/zero; echo done >&2"),
                             {.max_out = 10, .max_err = 2});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->out, std::string(10, '\0'));
  EXPECT_EQ(run->err, "do");
  EXPECT_EQ(run->wait_status, 0);
}

TEST_F(SubprocessTest, TimeoutKillsTheProcessGroupAndReapsTheChild) {
  SpawnOptions spawn =
      Shell(absl::StrCat("echo $$ > ", dir_, "/sh.pid; sleep 1000 & echo $! > ",
                         dir_, "/sleep.pid; wait"));
  spawn.new_process_group = true;
  auto run = subprocess::Run(spawn, {.timeout = absl::Milliseconds(300)});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->timed_out);
  EXPECT_TRUE(WIFSIGNALED(run->wait_status));
  EXPECT_EQ(WTERMSIG(run->wait_status), SIGKILL);
  // The child is reaped: no longer ours to wait for.
  pid_t sh = ReadPid("sh.pid");
  EXPECT_EQ(waitpid(sh, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  // What it started went with it (the kill is sent before Run returns;
  // the orphan's exit may take a moment to show).
  pid_t sleeper = ReadPid("sleep.pid");
  for (int i = 0; i < 500 && !Dead(sleeper); ++i) usleep(10000);
  EXPECT_TRUE(Dead(sleeper));
}

TEST_F(SubprocessTest, TimeoutCallsTheGivenStopBeforeReaping) {
  pid_t stopped = 0;
  auto run = subprocess::Run(
      Shell("sleep 1000"),
      {.timeout = absl::Milliseconds(100), .stop = [&](const Child& child) {
         stopped = child.pid;
         kill(child.pid, SIGTERM);
       }});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->timed_out);
  EXPECT_GT(stopped, 0);
  EXPECT_EQ(WTERMSIG(run->wait_status), SIGTERM);
}

TEST_F(SubprocessTest, BoundedExitDrainDoesNotWaitForALeftBehindWriter) {
  // The shell exits; the sleep it left holds stdout open.
  auto run = subprocess::Run(Shell(absl::StrCat("sleep 1000 & echo $! > ", dir_,
                                                "/sleep.pid; echo done")),
                             {.exit_drain = absl::Milliseconds(100)});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->out, "done\n");
  EXPECT_EQ(run->wait_status, 0);
  kill(ReadPid("sleep.pid"), SIGKILL);
}

TEST_F(SubprocessTest, UnboundedExitDrainTimesOutOnALeftBehindWriter) {
  auto run = subprocess::Run(Shell(absl::StrCat("sleep 1000 & echo $! > ", dir_,
                                                "/sleep.pid; echo done")),
                             {.timeout = absl::Milliseconds(300)});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->timed_out);
  EXPECT_EQ(run->out, "done\n");
  EXPECT_EQ(run->wait_status, 0);  // it had exited: the kill found a zombie
  kill(ReadPid("sleep.pid"), SIGKILL);
}

TEST_F(SubprocessTest, ChildGetsOnlyItsStdioFds) {
  int leak = open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(dup2(leak, 57), 0);
  auto run = subprocess::Run(Shell("ls /proc/$$/fd"));
  close(57);
  close(leak);
  ASSERT_TRUE(run.ok()) << run.status();
  std::vector<std::string> fds =
      absl::StrSplit(run->out, '\n', absl::SkipEmpty());
  EXPECT_THAT(fds, ElementsAre("0", "1", "2"));
}

TEST_F(SubprocessTest, StdinFromAGivenFdAndEnvironmentAsGiven) {
  UniqueFd in(memfd_create("stdin", MFD_CLOEXEC));
  ASSERT_EQ(write(in.get(), "hello", 5), 5);
  ASSERT_EQ(lseek(in.get(), 0, SEEK_SET), 0);
  SpawnOptions spawn = Shell("cat; echo \" $A ${HOME:-unset}\"");
  spawn.in = Stdio::Fd(in.get());
  spawn.env = std::vector<std::string>{"A=1"};
  auto run = subprocess::Run(spawn);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->out, "hello 1 unset\n");
  EXPECT_GE(fcntl(in.get(), F_GETFD), 0);  // the caller's fd stays open
}

TEST_F(SubprocessTest, StdinIsDevNullUnlessAskedAndCwdAsGiven) {
  SpawnOptions spawn = Shell("cat; pwd");
  spawn.cwd = dir_;
  auto run = subprocess::Run(spawn);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->out, dir_ + "\n");
}

// Fields 5 and 6 of /proc/<pid>/stat (process group, session) as the
// child's shell sees them, and its pid.
std::vector<std::string> GroupAndSession(const SpawnOptions& options) {
  auto run = subprocess::Run(options);
  EXPECT_TRUE(run.ok()) << run.status();
  if (!run.ok()) return {};
  std::vector<std::string> f = absl::StrSplit(
      run->out.substr(run->out.rfind(')') + 2), ' ', absl::SkipEmpty());
  return {f[2], f[3], absl::StrCat(absl::StripAsciiWhitespace(run->err))};
}

TEST_F(SubprocessTest, OwnProcessGroupOrSessionWhenAsked) {
  SpawnOptions spawn = Shell("echo $$ >&2; cat /proc/$$/stat");
  auto inherited = GroupAndSession(spawn);
  ASSERT_EQ(inherited.size(), 3u);
  EXPECT_NE(inherited[0], inherited[2]);
  spawn.new_process_group = true;
  auto group = GroupAndSession(spawn);
  ASSERT_EQ(group.size(), 3u);
  EXPECT_EQ(group[0], group[2]);
  EXPECT_NE(group[1], group[2]);
  spawn.new_process_group = false;
  spawn.new_session = true;
  auto session = GroupAndSession(spawn);
  ASSERT_EQ(session.size(), 3u);
  EXPECT_EQ(session[0], session[2]);
  EXPECT_EQ(session[1], session[2]);
}

TEST_F(SubprocessTest, SpawnGivesNonBlockingPipeEndsAndAPidfd) {
  auto child = Spawn({.path = "/bin/cat",
                      .argv = {"cat"},
                      .in = Stdio::Pipe(),
                      .out = Stdio::Pipe(),
                      .nonblocking = true});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_TRUE(fcntl(child->in.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(child->out.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_FALSE(child->err.valid());
  ASSERT_TRUE(child->pidfd.valid());
  ASSERT_EQ(write(child->in.get(), "abc", 3), 3);
  child->in.Reset();
  int flags = fcntl(child->out.get(), F_GETFL);
  fcntl(child->out.get(), F_SETFL, flags & ~O_NONBLOCK);
  EXPECT_EQ(ReadFd(child->out.get()), "abc");
  EXPECT_EQ(ExitCode(Wait(child->pid)), 0);
}

TEST_F(SubprocessTest, MissingExecutableIsNotFoundNamingIt) {
  auto run = subprocess::Run({.path = dir_ + "/absent", .argv = {"absent"}});
  ASSERT_TRUE(absl::IsNotFound(run.status())) << run.status();
  EXPECT_THAT(run.status().message(), HasSubstr(dir_ + "/absent"));
}

}  // namespace
}  // namespace crisp::subprocess
