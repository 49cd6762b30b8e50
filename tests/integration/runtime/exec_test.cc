// Exec joins the container's init, never whatever process holds its pid
// now (review L7): the init dies between the running check and the join,
// and its pid is given to a process in a UTS namespace of its own.
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "runtime/linux/container.h"
#include "runtime/linux/exec.h"
#include "runtime/oci/json.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A process with pid `pid` (clone3 set_tid) whose hostname is `hostname`;
// -1 when the pid is taken.
pid_t SpawnWithPid(pid_t pid, const char* hostname) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return -1;
  struct clone_args args = {};
  args.flags = CLONE_NEWUTS;
  args.exit_signal = SIGCHLD;
  pid_t tid = pid;
  args.set_tid = reinterpret_cast<uint64_t>(&tid);
  args.set_tid_size = 1;
  long child = syscall(SYS_clone3, &args, sizeof(args));
  if (child == 0) {
    (void)!sethostname(hostname, strlen(hostname));
    (void)!write(ready[1], "x", 1);
    // Holds no pipe of the test's open.
    syscall(SYS_close_range, 3, ~0U, 0);
    for (;;) pause();
  }
  close(ready[1]);
  char c;
  if (child > 0 && read(ready[0], &c, 1) != 1) child = -1;
  close(ready[0]);
  return static_cast<pid_t>(child);
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, n);
  return out;
}

class ExecTest : public RuntimeTest {
 protected:
  void TearDown() override {
    if (impostor_ > 0) kill(impostor_, SIGKILL), waitpid(impostor_, nullptr, 0);
    if (!state_dir_.empty()) (void)runtime::Delete(state_dir_, true);
    RuntimeTest::TearDown();
  }
  pid_t impostor_ = -1;
  std::string state_dir_;
};

TEST_F(ExecTest, ARecycledInitPidIsNeverJoined) {
  std::string id = Id("recycled");
  InitRequest create;
  create.id = id;
  create.bundle = WriteBundle(id, BaseSpec({"sleep", "600"}));
  auto spec = oci::LoadBundle(create.bundle);
  ASSERT_TRUE(spec.ok()) << spec.status();
  create.spec = *spec;
  create.state_dir = state_dir_ = StateDir(id);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  create.stdio[0] = create.stdio[1] = create.stdio[2] = null;
  auto created = runtime::Create(create);
  close(null);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(runtime::Start(state_dir_).ok());
  // The impostor often starts in the init's clock tick (create, start and
  // exec take under 10 ms here), so the start time alone cannot tell them
  // apart: the pidfs inode recorded at create does.
  pid_t init = created->init.pid;

  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  ExecProcessRequest req;
  req.state_dir = state_dir_;
  req.process = ExecProcess(*spec, {"hostname"});
  req.stdio[1] = req.stdio[2] = out[1];
  req.before_join = [&] {
    syscall(SYS_pidfd_send_signal, created->pidfd.get(), SIGKILL, nullptr, 0);
    waitpid(init, nullptr, 0);  // this test created it: its parent
    impostor_ = SpawnWithPid(init, "impostor");
  };
  auto executed = runtime::Exec(req);
  close(out[1]);
  if (executed.ok()) waitpid(executed->pid, nullptr, 0);
  std::string said = ReadAll(out[0]);
  close(out[0]);
  if (impostor_ < 0) GTEST_SKIP() << "pid " << init << " was taken at once";
  ASSERT_FALSE(executed.ok())
      << "exec ran in pid " << init << "'s namespaces, and said: " << said;
  EXPECT_TRUE(absl::IsFailedPrecondition(executed.status()))
      << executed.status();
  EXPECT_THAT(executed.status().message(), HasSubstr(id));
  EXPECT_THAT(said, Not(HasSubstr("impostor")));
}

}  // namespace
}  // namespace crisp::runtime::testing
