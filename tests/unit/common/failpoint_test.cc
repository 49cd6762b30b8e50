#include "common/failpoint.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::failpoint {
namespace {

using ::testing::HasSubstr;

constexpr char kPoint[] = "sandbox.run.after_pins";

class FailpointTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(Configure("").ok()); }
};

TEST_F(FailpointTest, UnsetIsOk) {
  ASSERT_TRUE(Configure("").ok());
  EXPECT_TRUE(Hit(kPoint).ok());
}

TEST_F(FailpointTest, ErrorNamesThePoint) {
  ASSERT_TRUE(Configure(std::string(kPoint) + "=error").ok());
  absl::Status s = Hit(kPoint);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr(kPoint));
  EXPECT_FALSE(Hit(kPoint).ok()) << "without a count it fires every time";
  EXPECT_TRUE(Hit("sandbox.run.after_cni").ok()) << "other points are off";
}

TEST_F(FailpointTest, CountLimitsTheFirings) {
  ASSERT_TRUE(Configure(std::string(kPoint) + "=2*error").ok());
  EXPECT_FALSE(Hit(kPoint).ok());
  EXPECT_FALSE(Hit(kPoint).ok());
  EXPECT_TRUE(Hit(kPoint).ok());
}

TEST_F(FailpointTest, SeveralPointsAndSleep) {
  ASSERT_TRUE(Configure("sandbox.run.after_cni=sleep(1);image.pull.before_row="
                        "error")
                  .ok());
  EXPECT_TRUE(Hit("sandbox.run.after_cni").ok());
  EXPECT_FALSE(Hit("image.pull.before_row").ok());
}

TEST_F(FailpointTest, UnknownPointIsRefusedByName) {
  absl::Status s = Configure("sandbox.run.after_pinz=error");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("sandbox.run.after_pinz"));
}

TEST_F(FailpointTest, BadActionsAreRefused) {
  for (const char* action :
       {"", "explode", "0*error", "x*error", "sleep(", "sleep(-1)"}) {
    EXPECT_FALSE(Configure(std::string(kPoint) + "=" + action).ok()) << action;
  }
  EXPECT_TRUE(Hit(kPoint).ok()) << "a refused spec installs nothing";
}

TEST_F(FailpointTest, ReadsTheEnvironment) {
  setenv(kEnvironmentVariable, "nope=error", 1);
  EXPECT_FALSE(ConfigureFromEnvironment().ok());
  setenv(kEnvironmentVariable, "sandbox.stop.after_cni=error", 1);
  EXPECT_TRUE(ConfigureFromEnvironment().ok());
  EXPECT_FALSE(Hit("sandbox.stop.after_cni").ok());
  unsetenv(kEnvironmentVariable);
}

TEST_F(FailpointTest, CrashKillsTheProcess) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!Configure(std::string(kPoint) + "=crash").ok()) _exit(2);
    (void)Hit(kPoint);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST_F(FailpointTest, PointsAreSortedAndUnique) {
  const std::vector<std::string>& p = Points();
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
  EXPECT_EQ(std::adjacent_find(p.begin(), p.end()), p.end());
}

}  // namespace
}  // namespace crisp::failpoint
