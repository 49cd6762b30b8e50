#include "cni/plugin_exec.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cni/plugin_error.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cni/fake_plugins.h"

namespace crisp::cni {
namespace {

using testing::CniError;
using testing::FakePlugins;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

class PluginExecTest : public ::testing::Test {
 protected:
  PluginCall Call(const std::string& path, std::string stdin_data = "{}") {
    return PluginCall{path,         "ADD",
                      "c1",         "/run/ns",
                      "eth0",       "IgnoreUnknown=1;K8S_POD_NAME=p",
                      {"/a", "/b"}, std::move(stdin_data)};
  }
  // True when `pid` has exited (gone, or a zombie nobody reaped yet).
  static bool Dead(pid_t pid) {
    auto stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
    if (!stat.ok()) return true;
    auto close = stat->rfind(')');
    return close != std::string::npos && stat->substr(close + 2, 1) == "Z";
  }
  pid_t ReadPid(const std::string& file) {
    auto text = ReadFile(file);
    int pid = 0;
    EXPECT_TRUE(text.ok() &&
                absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid));
    return pid;
  }
  FakePlugins fakes_;
};

TEST_F(PluginExecTest, GivesSpecEnvironmentOnlyAndConfigOnStdin) {
  ::setenv("CRISP_TEST_SECRET", "leak", 1);
  std::string path = fakes_.Write("p", "echo '{\"ok\": true}'");
  auto out = ExecPlugin(Call(path, R"({"type": "p"})"));
  ::unsetenv("CRISP_TEST_SECRET");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "{\"ok\": true}\n");
  auto env = fakes_.Env("p", "ADD");
  EXPECT_EQ(env, (std::map<std::string, std::string>{
                     {"CNI_COMMAND", "ADD"},
                     {"CNI_CONTAINERID", "c1"},
                     {"CNI_NETNS", "/run/ns"},
                     {"CNI_IFNAME", "eth0"},
                     {"CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=p"},
                     {"CNI_PATH", "/a:/b"},
                     {"PATH",
                      "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                      "/usr/bin:/sbin:/bin"},
                     {"PWD", "/"}}));  // dash exports its cwd
  EXPECT_EQ(fakes_.Stdin("p", "ADD"), nlohmann::json({{"type", "p"}}));
}

TEST_F(PluginExecTest, StdinLargerThanAPipeArrivesWhole) {
  std::string big(1 << 20, 'x');
  std::string path = fakes_.Write("count", "wc -c < $d/count.ADD.stdin");
  auto out = ExecPlugin(Call(path, big));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(absl::StripAsciiWhitespace(*out), absl::StrCat(big.size()));
}

TEST_F(PluginExecTest, CniErrorObjectBecomesStatusNamingPluginAndCommand) {
  std::string path = fakes_.Write(
      "fails", absl::StrCat("echo '", CniError(11, "busy", "lock held"),
                            "'; echo noise >&2; exit 1"));
  auto out = ExecPlugin(Call(path));
  ASSERT_TRUE(absl::IsUnavailable(out.status())) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr(path + " ADD"));
  EXPECT_THAT(out.status().message(), HasSubstr("busy (CNI error code 11)"));
  EXPECT_THAT(out.status().message(), HasSubstr("details: lock held"));
}

TEST_F(PluginExecTest, WellKnownCodesMapToStatusCodes) {
  auto failure = [](int code) {
    PluginOutput out;
    out.wait_status = 1 << 8;
    out.out = CniError(code, "m", "");
    return PluginFailure("/p", "DEL", out).code();
  };
  EXPECT_EQ(failure(1), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(failure(3), absl::StatusCode::kNotFound);
  EXPECT_EQ(failure(7), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(failure(11), absl::StatusCode::kUnavailable);
  EXPECT_EQ(failure(123), absl::StatusCode::kUnknown);
}

TEST_F(PluginExecTest, FailureWithoutErrorObjectShowsExitStdoutAndStderr) {
  std::string path = fakes_.Write(
      "crash", "echo 'panic: oops'; echo 'goroutine 1' >&2; exit 2");
  auto out = ExecPlugin(Call(path));
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr(path + " ADD failed"));
  EXPECT_THAT(out.status().message(), HasSubstr("exit status 2"));
  EXPECT_THAT(out.status().message(), HasSubstr("stdout: panic: oops"));
  EXPECT_THAT(out.status().message(), HasSubstr("stderr: goroutine 1"));
}

TEST_F(PluginExecTest, HugeStderrIsCutInTheMessage) {
  std::string path = fakes_.Write(
      "loud", "head -c 1000000 /dev/zero | tr '\\0' x >&2; exit 1");
  auto out = ExecPlugin(Call(path));
  ASSERT_FALSE(out.ok());
  EXPECT_LT(out.status().message().size(), 4096u);
  EXPECT_THAT(out.status().message(), HasSubstr("xxx..."));
}

TEST_F(PluginExecTest, TimeoutKillsThePluginAndWhatItStarted) {
  std::string path = fakes_.Write(
      "slow", "sleep 30 & echo $! > $d/sleep.pid; wait; echo done");
  ExecLimits limits;
  limits.timeout = std::chrono::milliseconds(500);
  auto start = Clock::now();
  auto out = ExecPlugin(Call(path), limits);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(absl::IsDeadlineExceeded(out.status())) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr(path + " ADD: timed out"));
  pid_t sleeper = ReadPid(fakes_.dir() + "/sleep.pid");
  for (int i = 0; i < 100 && !Dead(sleeper); ++i) ::usleep(10000);
  EXPECT_TRUE(Dead(sleeper));
}

TEST_F(PluginExecTest, ChildHoldingStdoutAfterExitDoesNotBlock) {
  std::string path = fakes_.Write(
      "forks", "sleep 30 & echo $! > $d/sleep.pid; echo '{}'; exit 0");
  auto start = Clock::now();
  auto out = ExecPlugin(Call(path));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "{}\n");
  ::kill(ReadPid(fakes_.dir() + "/sleep.pid"), SIGKILL);
}

TEST_F(PluginExecTest, InheritedDescriptorsAreClosed) {
  int leak = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(::dup2(leak, 57), 0);
  std::string path = fakes_.Write(
      "fds", "if [ -e /proc/$$/fd/57 ]; then echo leaked; else echo clean; fi");
  auto out = ExecPlugin(Call(path));
  ::close(57);
  ::close(leak);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "clean\n");
}

TEST_F(PluginExecTest, MissingExecutableIsNotFoundNamingIt) {
  auto out = ExecPlugin(Call(fakes_.bin() + "/absent"));
  ASSERT_TRUE(absl::IsNotFound(out.status())) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr("absent"));
}

TEST_F(PluginExecTest, ConcurrentCallsFromManyThreadsKeepTheirOutput) {
  std::string path = fakes_.Write("id", "echo $CNI_CONTAINERID");
  std::vector<std::thread> threads;
  std::atomic<int> wrong = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        PluginCall call = Call(path);
        call.container_id = absl::StrCat("c", t, "-", i);
        auto out = ExecPlugin(call);
        if (!out.ok() || *out != call.container_id + "\n") ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

TEST(FormatCniArgsTest, JoinsPairsAndRejectsSeparators) {
  EXPECT_EQ(*FormatCniArgs({{"A", "1"}, {"B", "x=y"}}), "A=1;B=x=y");
  EXPECT_EQ(*FormatCniArgs({}), "");
  EXPECT_TRUE(
      absl::IsInvalidArgument(FormatCniArgs({{"A", "1;B=2"}}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FormatCniArgs({{"A=B", "1"}}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FormatCniArgs({{"", "1"}}).status()));
}

}  // namespace
}  // namespace crisp::cni
