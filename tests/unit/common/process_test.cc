#include "common/process.h"

#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace crisp {
namespace {

TEST(ProcessTest, OwnStartTimeIsStable) {
  auto a = ProcessStartTime(::getpid());
  auto b = ProcessStartTime(::getpid());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_GT(*a, 0u);
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(ProcessAlive({::getpid(), *a}));
}

TEST(ProcessTest, RecycledOrDeadPidIsNotAlive) {
  auto start = ProcessStartTime(::getpid());
  ASSERT_TRUE(start.ok());
  EXPECT_FALSE(ProcessAlive({::getpid(), *start + 1}));
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(absl::IsNotFound(ProcessStartTime(child).status()));
  EXPECT_FALSE(ProcessAlive({child, 1}));
  EXPECT_FALSE(ProcessAlive({0, 0}));
}

TEST(ProcessTest, IdentifyingByPidNamesTheLiveProcessOnly) {
  auto me = IdentifyProcess(::getpid());
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->pid, ::getpid());
  EXPECT_EQ(me->start_time, *ProcessStartTime(::getpid()));
  EXPECT_TRUE(OpenProcess(*me).ok());
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(absl::IsNotFound(IdentifyProcess(child).status()));
}

TEST(ProcessTest, NowIsAfter2020) {
  EXPECT_GT(NowUnixNanos(), int64_t{1577836800} * 1000000000);
}

}  // namespace
}  // namespace crisp
