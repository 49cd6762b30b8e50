// Supplementary groups: a refused setgroups must not leave the process
// with groups it was not given (review L11).
#include "runtime/linux/process.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::runtime::process {
namespace {

using ::testing::HasSubstr;

// setgroups refused with EPERM; the process has `current`.
GroupCalls Refusing(std::vector<gid_t> current, const std::string& policy) {
  GroupCalls calls;
  calls.set = [](const std::vector<gid_t>&) {
    errno = EPERM;
    return -1;
  };
  calls.get = [current]() -> absl::StatusOr<std::vector<gid_t>> {
    return current;
  };
  calls.setgroups_file = policy;
  return calls;
}

class SetGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-process-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    deny_ = dir_ + "/setgroups";
    ASSERT_TRUE(WriteFileAtomic(deny_, "deny\n", 0644).ok());
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string dir_, deny_;
};

TEST_F(SetGroupsTest, ARefusalThatWouldKeepOtherGroupsIsAnError) {
  absl::Status st = SetGroups({}, Refusing({0}, deny_));
  EXPECT_TRUE(absl::IsPermissionDenied(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr("setgroups []"));
  EXPECT_THAT(st.message(), HasSubstr("denied in this user namespace"));
  EXPECT_THAT(st.message(), HasSubstr("would keep its groups [0]"));

  st = SetGroups({10, 20}, Refusing({10}, deny_));
  EXPECT_TRUE(absl::IsPermissionDenied(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr("setgroups [10,20]"));
}

TEST_F(SetGroupsTest, ARefusalThatChangesNothingIsAccepted) {
  EXPECT_TRUE(SetGroups({}, Refusing({}, deny_)).ok());
  EXPECT_TRUE(SetGroups({20, 10, 20}, Refusing({10, 20}, deny_)).ok());
}

TEST_F(SetGroupsTest, AnAcceptedCallIsNotSecondGuessed) {
  GroupCalls calls = Refusing({0}, deny_);
  std::vector<gid_t> seen;
  calls.set = [&seen](const std::vector<gid_t>& g) {
    seen = g;
    return 0;
  };
  EXPECT_TRUE(SetGroups({5, 6}, calls).ok());
  EXPECT_EQ(seen, (std::vector<gid_t>{5, 6}));
}

// The kernel's own refusal: a user namespace with /proc/self/setgroups
// "deny" (as an unprivileged creator must set it). Before the fix SetUser
// ignored the EPERM and went on with the inherited groups.
TEST(SetUserInUserNamespaceTest, DeniedSetgroupsFailsTheUserStep) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto report = [&](const std::string& text, int code) {
      (void)!write(pipe_fds[1], text.data(), text.size());
      _exit(code);
    };
    if (unshare(CLONE_NEWUSER) != 0) report("unshare: no user namespaces", 2);
    int fd = open("/proc/self/setgroups", O_WRONLY);
    if (fd < 0 || write(fd, "deny", 4) != 4) report("write setgroups", 3);
    close(fd);
    for (auto [file, id] : {std::pair{"/proc/self/gid_map", gid},
                            std::pair{"/proc/self/uid_map", uid}}) {
      std::string map = absl::StrCat("0 ", id, " 1");
      fd = open(file, O_WRONLY);
      if (fd < 0 || write(fd, map.data(), map.size()) < 0) report(file, 3);
      close(fd);
    }
    oci::User user;
    user.additional_gids = {1234};  // not a group this process has
    absl::Status st = SetUser(user);
    report(st.ToString(), st.ok() ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string said;
  char buf[512];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof(buf))) > 0;) {
    said.append(buf, n);
  }
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << said;
  EXPECT_EQ(WEXITSTATUS(status), 1) << "SetUser said: " << said;
  EXPECT_THAT(said, HasSubstr("setgroups [1234]"));
  EXPECT_THAT(said, HasSubstr("denied in this user namespace"));
}

// As a shell and Docker say it: not found 127, not executable 126.
TEST(CannotRunExitCodeTest, FollowsTheShellConvention) {
  EXPECT_EQ(CannotRunExitCode(ErrnoToStatus(ENOENT, "executable /x")), 127);
  EXPECT_EQ(CannotRunExitCode(absl::NotFoundError("not found in $PATH")), 127);
  EXPECT_EQ(CannotRunExitCode(ErrnoToStatus(EACCES, "execve /etc")), 126);
  EXPECT_EQ(CannotRunExitCode(ErrnoToStatus(ENOEXEC, "execve /x")), 128);
  EXPECT_EQ(CannotRunExitCode(absl::FailedPreconditionError("hook")), 128);
}

}  // namespace
}  // namespace crisp::runtime::process
