// Create, start, stop and remove on the fake runtime, and retried creates.
#include <signal.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "containers/container_status.h"
#include "gmock/gmock.h"
#include "tests/unit/containers/manager_fixture.h"

namespace crisp::containers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST_F(ManagerTest, CreateStartStopRemove) {
  Container c = MustCreate("app");
  EXPECT_FALSE(c.creating);
  EXPECT_TRUE(Exists(c.dir + "/config.json"));
  EXPECT_THAT(rootfs_->Mounted(), ElementsAre(c.RootfsPath()));
  EXPECT_EQ(StateOf(c.id), ContainerState::kCreated);
  EXPECT_EQ(StoredRows(), 1u);

  ASSERT_TRUE(manager_->Start(c.id).ok());
  EXPECT_EQ(runtime_->StateOf(c.id), runtime::InitState::kRunning);
  EXPECT_EQ(StateOf(c.id), ContainerState::kRunning);
  EXPECT_GT(manager_->Get(c.id)->started_unix_nanos, 0);

  ASSERT_TRUE(manager_->Stop(c.id, 10).ok());
  EXPECT_THAT(runtime_->SignalsSent(c.id), ElementsAre(SIGTERM));
  ContainerStatus status = manager_->StatusOf(*manager_->Get(c.id));
  EXPECT_EQ(status.state, ContainerState::kExited);
  EXPECT_EQ(status.exit_code, 128 + SIGTERM);
  EXPECT_EQ(status.reason, "Error");

  ASSERT_TRUE(manager_->Remove(c.id).ok());
  EXPECT_TRUE(absl::IsNotFound(manager_->Get(c.id).status()));
  EXPECT_FALSE(runtime_->Knows(c.id));
  EXPECT_THAT(rootfs_->Mounted(), IsEmpty());
  EXPECT_FALSE(Exists(c.dir));
  EXPECT_FALSE(Exists(c.layer));
  EXPECT_EQ(StoredRows(), 0u);
  EXPECT_THAT(manager_->List(), IsEmpty());
}

TEST_F(ManagerTest, AContainerIsFoundByAUniquePrefixOfItsId) {
  Container c = MustCreate("app");
  auto found = manager_->Get(c.id.substr(0, 12));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, c.id);
}

TEST_F(ManagerTest, StartOfAStartedContainerIsRefused) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(manager_->Start(c.id)));
  EXPECT_EQ(runtime_->Calls(Verb::kStart), 1);
}

TEST_F(ManagerTest, AFailedRuntimeStartLeavesTheContainerCreated) {
  Container c = MustCreate("app");
  runtime_->FailNext(Verb::kStart, absl::InternalError("injected"));
  EXPECT_TRUE(absl::IsInternal(manager_->Start(c.id)));
  EXPECT_EQ(StateOf(c.id), ContainerState::kCreated);
  EXPECT_EQ(manager_->Get(c.id)->started_unix_nanos, 0);
  EXPECT_TRUE(manager_->Start(c.id).ok());
}

// The init was released but could not run its command: the start fails
// with the cause and the container has exited with it, also for a crispd
// that starts again (the cause is in the runtime's exit record).
TEST_F(ManagerTest, ACommandThatCannotRunFailsTheStartAndExitsTheContainer) {
  Container c = MustCreate("app");
  runtime_->CannotRunOnStart(
      c.id, 127, "executable /nonexistent: No such file or directory");
  absl::Status started = manager_->Start(c.id);
  EXPECT_TRUE(absl::IsFailedPrecondition(started)) << started;
  EXPECT_THAT(std::string(started.message()),
              HasSubstr("executable /nonexistent: No such file or directory"));
  for (bool restarted : {false, true}) {
    if (restarted) Reopen();
    ContainerStatus st = manager_->StatusOf(*manager_->Get(c.id));
    EXPECT_EQ(st.state, ContainerState::kExited) << restarted;
    EXPECT_EQ(st.exit_code, 127);
    EXPECT_EQ(st.reason, "ContainerCannotRun");
    EXPECT_EQ(st.message, "executable /nonexistent: No such file or directory");
  }
  EXPECT_TRUE(absl::IsFailedPrecondition(manager_->Start(c.id)));
}

TEST(ExitReasonTest, CannotRunThenOomThenTheExitCode) {
  auto reason = [](runtime::ExitRecord exit) {
    ContainerStatus s;
    SetExitReason(exit, s);
    return s.reason + "|" + s.message;
  };
  EXPECT_EQ(reason({.exit_code = 0}), "Completed|");
  EXPECT_EQ(reason({.exit_code = 1}), "Error|");
  EXPECT_EQ(reason({.exit_code = 137, .oom_killed = true}), "OOMKilled|");
  EXPECT_EQ(reason({.exit_code = 0, .oom_killed = true}), "OOMKilled|");
  EXPECT_EQ(reason({.exit_code = 126,
                    .cannot_run = "execve /x: Permission "
                                  "denied"}),
            "ContainerCannotRun|execve /x: Permission denied");
}

// The runtime released the init but the start was not recorded: the retry
// finishes it instead of failing on a running container.
TEST_F(ManagerTest, AnInterruptedStartIsFinishedByTheRetry) {
  Container c = MustCreate("app");
  runtime_->ReleaseInit(c.id);
  ASSERT_TRUE(manager_->Start(c.id).ok());
  EXPECT_EQ(runtime_->Calls(Verb::kStart), 0);
  EXPECT_GT(manager_->Get(c.id)->started_unix_nanos, 0);
}

TEST_F(ManagerTest, StopEscalatesToSigkillWhenTheStopSignalIsIgnored) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->IgnoreSignal(c.id, SIGTERM);
  ASSERT_TRUE(manager_->Stop(c.id, 30).ok());
  EXPECT_THAT(runtime_->SignalsSent(c.id), ElementsAre(SIGTERM, SIGKILL));
  EXPECT_EQ(manager_->StatusOf(*manager_->Get(c.id)).exit_code, 128 + SIGKILL);
}

TEST_F(ManagerTest, StopWithoutGraceKillsAtOnce) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  ASSERT_TRUE(manager_->Stop(c.id, 0).ok());
  EXPECT_THAT(runtime_->SignalsSent(c.id), ElementsAre(SIGKILL));
}

TEST_F(ManagerTest, StopOfAContainerThatSurvivesSigkillFails) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->IgnoreSignal(c.id, SIGKILL);
  EXPECT_TRUE(absl::IsDeadlineExceeded(manager_->Stop(c.id, 0)));
}

TEST_F(ManagerTest, StopOfAnExitedContainerSendsNothing) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->ExitOnItsOwn(c.id, 0);
  ASSERT_TRUE(manager_->Stop(c.id, 10).ok());
  EXPECT_THAT(runtime_->SignalsSent(c.id), IsEmpty());
  EXPECT_EQ(manager_->StatusOf(*manager_->Get(c.id)).reason, "Completed");
}

TEST_F(ManagerTest, StopAndRemoveOfAnUnknownContainerAreNoErrors) {
  EXPECT_TRUE(manager_->Stop("0123456789ab", 10).ok());
  EXPECT_TRUE(manager_->Remove("0123456789ab").ok());
}

TEST_F(ManagerTest, RemoveKillsARunningContainerFirst) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  ASSERT_TRUE(manager_->Remove(c.id).ok());
  EXPECT_EQ(runtime_->Calls(Verb::kKill), 1);
  EXPECT_FALSE(runtime_->Knows(c.id));
}

TEST_F(ManagerTest, ARetriedCreateReturnsTheFirstContainer) {
  Container first = MustCreate("app");
  Container second = MustCreate("app");
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(runtime_->Calls(Verb::kCreate), 1);
  EXPECT_EQ(manager_->List().size(), 1u);
}

TEST_F(ManagerTest, AnotherAttemptIsAnotherContainer) {
  Container first = MustCreate("app");
  NewContainer r = Request("app");
  r.container.attempt = 1;
  auto second = manager_->Create(r);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->id, first.id);
}

// kubelet resends CreateContainer after its own timeout while the first is
// still in the runtime: the retry waits for it and gets the same container.
TEST_F(ManagerTest, ARetryWhileTheFirstIsInFlightSharesIt) {
  absl::Notification in_runtime, release;
  runtime_->OnCall(Verb::kCreate, [&](const std::string&) {
    if (!in_runtime.HasBeenNotified()) {
      in_runtime.Notify();
      release.WaitForNotification();
    }
  });
  absl::StatusOr<Container> first, second;
  std::thread a([&] { first = manager_->Create(Request("app")); });
  in_runtime.WaitForNotification();
  std::thread b([&] { second = manager_->Create(Request("app")); });
  release.Notify();
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(runtime_->Calls(Verb::kCreate), 1);
  EXPECT_EQ(StoredRows(), 1u);
}

TEST_F(ManagerTest, ExecSyncRunsInARunningContainerOnly) {
  Container c = MustCreate("app");
  EXPECT_TRUE(absl::IsFailedPrecondition(
      manager_->ExecSync(c.id, {"true"}, absl::Seconds(1)).status()));
  ASSERT_TRUE(manager_->Start(c.id).ok());
  auto out = manager_->ExecSync(c.id, {"echo", "hi"}, absl::Seconds(1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->out, "out");
  EXPECT_THAT(runtime_->LastExec(), ElementsAre("echo", "hi"));
}

TEST_F(ManagerTest, UpdateReachesTheRuntimeOfARunningContainer) {
  Container c = MustCreate("app");
  runtime::oci::Resources resources;
  EXPECT_TRUE(absl::IsFailedPrecondition(manager_->Update(c.id, resources)));
  ASSERT_TRUE(manager_->Start(c.id).ok());
  ASSERT_TRUE(manager_->Update(c.id, resources).ok());
  EXPECT_TRUE(runtime_->LastUpdate(c.id).has_value());
  auto stats = manager_->Stats(*manager_->Get(c.id));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->pids, 1u);
}

TEST_F(ManagerTest, ThePodCallsTouchOnlyThatPod) {
  Container mine = MustCreate("app", "pod-a");
  Container other = MustCreate("app", "pod-b");
  ASSERT_TRUE(manager_->Start(mine.id).ok());
  ASSERT_TRUE(manager_->Start(other.id).ok());
  ASSERT_TRUE(manager_->StopAllInPod("pod-a").ok());
  EXPECT_EQ(StateOf(mine.id), ContainerState::kExited);
  EXPECT_EQ(StateOf(other.id), ContainerState::kRunning);
  ASSERT_TRUE(manager_->RemoveAllInPod("pod-a").ok());
  ASSERT_EQ(manager_->List().size(), 1u);
  EXPECT_EQ(manager_->List()[0].id, other.id);
  EXPECT_THAT(manager_->SnapshotsInUse(), ElementsAre("sha256:layer"));
}

}  // namespace
}  // namespace crisp::containers
