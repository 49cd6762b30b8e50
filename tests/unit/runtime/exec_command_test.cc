#include "runtime/exec_command.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::runtime {
namespace {

using ::testing::ElementsAre;

TEST(ExecArgvTest, RunsTheCommandInTheBundlesStateDir) {
  EXPECT_THAT(
      ExecArgv({.container_dir = "/run/c/1",
                .pid_file = "/run/c/1/exec-t.pid",
                .command = {"ls", "-l"}}),
      ElementsAre("crisp-runtime", "--root", "/run/c/1", "exec", "--pid-file",
                  "/run/c/1/exec-t.pid", "state", "ls", "-l"));
}

TEST(ExecArgvTest, ATerminalGetsTheConsoleSocketAndTerm) {
  EXPECT_THAT(
      ExecArgv({.container_dir = "/run/c/1",
                .pid_file = "/p",
                .command = {"sh"},
                .tty = true,
                .console_socket = "/run/c/1/exec-t.sock"}),
      ElementsAre("crisp-runtime", "--root", "/run/c/1", "exec", "--pid-file",
                  "/p", "--tty", "--console-socket", "/run/c/1/exec-t.sock",
                  "--env", "TERM=xterm", "state", "sh"));
}

class KillExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-kill-exec-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  static subprocess::Child Sleeper() {
    auto child = subprocess::Spawn({.path = "/bin/sleep",
                                    .argv = {"sleep", "1000"},
                                    .new_process_group = true});
    EXPECT_TRUE(child.ok()) << child.status();
    return child.ok() ? std::move(*child) : subprocess::Child{};
  }
  std::string dir_;
};

TEST_F(KillExecTest, KillsTheCommandNamedByThePidFile) {
  subprocess::Child runtime = Sleeper(), command = Sleeper();
  std::string pid_file = dir_ + "/exec-t.pid";
  ASSERT_TRUE(WriteFileAtomic(pid_file, absl::StrCat(command.pid)).ok());
  KillExec(runtime.pid, pid_file);
  EXPECT_EQ(WTERMSIG(subprocess::Wait(command.pid)), SIGKILL);
  // crisp-runtime is left to reap the command and exit by itself.
  int status = 0;
  EXPECT_EQ(waitpid(runtime.pid, &status, WNOHANG), 0);
  subprocess::Kill(runtime);
  subprocess::Wait(runtime.pid);
}

TEST_F(KillExecTest, WithoutAPidFileKillsTheRuntimesGroup) {
  subprocess::Child runtime = Sleeper();
  KillExec(runtime.pid, dir_ + "/absent.pid");
  EXPECT_EQ(WTERMSIG(subprocess::Wait(runtime.pid)), SIGKILL);
}

}  // namespace
}  // namespace crisp::runtime
