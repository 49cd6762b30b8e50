// What a restarted crispd decides for each container, from the store and
// what the runtime reports.
#include "absl/strings/str_cat.h"
#include "common/id.h"
#include "gmock/gmock.h"
#include "tests/unit/containers/manager_fixture.h"

namespace crisp::containers {
namespace {

using ::testing::IsEmpty;

// A crash in the middle of a create: the row says "creating", the bundle,
// the rootfs and the runtime's container exist.
TEST_F(ManagerTest, AnUnfinishedCreateIsRolledBackAtRestart) {
  Container c = Request("app").container;
  c.id = GenerateId();
  c.dir = absl::StrCat(StateDir(), "/", c.id);
  c.layer = absl::StrCat(base_, "/layers/", c.id);
  c.creating = true;
  store::RecordTable<Container> store(db_.get(), ContainerFormat());
  ASSERT_TRUE(store.Put(c).ok());
  ASSERT_TRUE(rootfs_->Mount({}, c.layer, c.RootfsPath()).ok());
  ASSERT_TRUE(WriteFileAtomic(c.dir + "/config.json", "{}", 0600).ok());
  ASSERT_TRUE(runtime_->Create({.container = c.Ref(), .log_path = ""}).ok());

  Reopen();
  EXPECT_EQ(StoredRows(), 0u);
  EXPECT_FALSE(runtime_->Knows(c.id));
  EXPECT_THAT(rootfs_->Mounted(), IsEmpty());
  EXPECT_FALSE(Exists(c.dir));
  EXPECT_TRUE(absl::IsNotFound(manager_->Get(c.id).status()));
  EXPECT_NE(MustCreate("app").id, c.id);
}

TEST_F(ManagerTest, ACreatedContainerIsStillCreatedAfterARestart) {
  Container c = MustCreate("app");
  Reopen();
  EXPECT_EQ(StateOf(c.id), ContainerState::kCreated);
  ASSERT_TRUE(manager_->Start(c.id).ok());
  EXPECT_EQ(StateOf(c.id), ContainerState::kRunning);
}

TEST_F(ManagerTest, ARunningContainerIsStillRunningAfterARestart) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  Reopen();
  EXPECT_EQ(StateOf(c.id), ContainerState::kRunning);
  EXPECT_EQ(runtime_->Calls(Verb::kCreate), 1);
}

TEST_F(ManagerTest, AnExitWhileCrispdWasDownIsReported) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  Reopen();
  runtime_->ExitOnItsOwn(c.id, 3);
  ContainerStatus status = manager_->StatusOf(*manager_->Get(c.id));
  EXPECT_EQ(status.state, ContainerState::kExited);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.reason, "Error");
}

TEST_F(ManagerTest, AnOomKillIsReportedAsSuch) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->ExitOnItsOwn(c.id, 137, /*oom=*/true);
  Reopen();
  EXPECT_EQ(manager_->StatusOf(*manager_->Get(c.id)).reason, "OOMKilled");
}

// Crash between the runtime's start and the store's update (review M4).
TEST_F(ManagerTest, AStartTheRuntimeDidButTheStoreMissedIsFinished) {
  Container c = MustCreate("app");
  runtime_->ReleaseInit(c.id);
  Reopen();
  EXPECT_GT(manager_->Get(c.id)->started_unix_nanos, 0);
  Reopen();  // and it was saved
  EXPECT_GT(manager_->Get(c.id)->started_unix_nanos, 0);
  EXPECT_EQ(StateOf(c.id), ContainerState::kRunning);
  EXPECT_EQ(runtime_->Calls(Verb::kStart), 0);
}

// The node rebooted (/run is empty) or the monitor died without a record.
TEST_F(ManagerTest, AContainerWhoseHolderIsGoneIsExitedUnknown) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->Reboot();
  Reopen();
  ContainerStatus status = manager_->StatusOf(*manager_->Get(c.id));
  EXPECT_EQ(status.state, ContainerState::kExited);
  EXPECT_EQ(status.exit_code, 255);
  EXPECT_EQ(status.reason, "Unknown");
  ASSERT_TRUE(manager_->Remove(c.id).ok());
  EXPECT_EQ(StoredRows(), 0u);
}

TEST_F(ManagerTest, ALostMonitorWithoutARecordIsExitedUnknown) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  runtime_->LoseHolder(c.id);
  EXPECT_EQ(manager_->StatusOf(*manager_->Get(c.id)).reason, "Unknown");
}

TEST_F(ManagerTest, ARetryAfterARestartReturnsTheRecoveredContainer) {
  Container c = MustCreate("app");
  Reopen();
  EXPECT_EQ(MustCreate("app").id, c.id);
  EXPECT_EQ(runtime_->Calls(Verb::kCreate), 1);
}

}  // namespace
}  // namespace crisp::containers
