// The container dir as crispd, crisp-monitor and crisp-runtime share it:
// each file is found where the other side put it.
#include "runtime/bundle.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/process.h"
#include "gtest/gtest.h"
#include "runtime/linux/state.h"
#include "runtime/monitor/attach.h"
#include "runtime/monitor/client.h"
#include "runtime/monitor/exit_status.h"
#include "runtime/oci/json.h"

namespace crisp::runtime {
namespace {

class BundleLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-bundle-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string dir_;
};

// These names are on disk across upgrades: a running container's monitor
// and a restarted crispd of another version must agree on them.
TEST_F(BundleLayoutTest, NamesAreTheOnesOnDisk) {
  BundleLayout b("/run/c/1");
  EXPECT_EQ(b.ConfigJson(), "/run/c/1/config.json");
  EXPECT_EQ(b.SeccompProgram(), "/run/c/1/seccomp.bpf");
  EXPECT_EQ(b.Rootfs(), "/run/c/1/rootfs");
  EXPECT_EQ(b.StateRoot(), "/run/c/1");
  EXPECT_EQ(b.StateDir(), absl::StrCat(b.StateRoot(), "/", b.kStateId));
  EXPECT_EQ(b.StateDir(), "/run/c/1/state");
  EXPECT_EQ(b.MonitorPid(), "/run/c/1/monitor.pid");
  EXPECT_EQ(b.AttachSocket(), "/run/c/1/attach.sock");
  EXPECT_EQ(b.ExitJson(), "/run/c/1/exit.json");
  EXPECT_EQ(b.ExecPidFile("t"), "/run/c/1/exec-t.pid");
  EXPECT_EQ(b.ExecConsoleSocket("t"), "/run/c/1/exec-t.sock");
  StateLayout s(b.StateDir());
  EXPECT_EQ(s.StateJson(), "/run/c/1/state/state.json");
  EXPECT_EQ(s.ExecFifo(), "/run/c/1/state/exec.fifo");
  LayerLayout l("/var/lib/c/1");
  EXPECT_EQ(l.UpperDir(), "/var/lib/c/1/fs");
  EXPECT_EQ(l.WorkDir(), "/var/lib/c/1/work");
  EXPECT_EQ(l.EmptyLowerDir(), "/var/lib/c/1/empty");
}

// crispd writes config.json at ConfigJson(); the monitor and the CLI load
// the bundle by its dir.
TEST_F(BundleLayoutTest, ConfigWrittenAtConfigJsonIsTheBundleLoaded) {
  oci::Spec s;
  s.root = oci::Root{"rootfs", false};
  s.process = oci::Process{};
  s.process->args = {"sh", "-c", "true"};
  s.linux = oci::Linux{};
  BundleLayout bundle(dir_);
  ASSERT_TRUE(WriteFileAtomic(bundle.ConfigJson(), oci::ToJson(s).dump()).ok());
  auto loaded = oci::LoadBundle(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->process->args, s.process->args);
  EXPECT_EQ(loaded->root->path, bundle.Rootfs());
}

// The monitor writes exit.json and monitor.pid and listens on
// attach.sock; crispd reads and connects to them by the container dir.
TEST_F(BundleLayoutTest, MonitorFilesAreFoundByTheContainerDir) {
  BundleLayout bundle(dir_);
  monitor::ExitStatus exit{.exit_code = 7, .finished_at = 42};
  ASSERT_TRUE(monitor::WriteExitStatus(dir_, exit).ok());
  EXPECT_TRUE(ReadFile(bundle.ExitJson()).ok());
  auto read = monitor::ReadExitStatus(dir_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->exit_code, 7);

  UniqueFd self(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));
  auto me = IdentifyProcess(getpid(), self.get());
  ASSERT_TRUE(me.ok()) << me.status();
  ASSERT_TRUE(WriteFileAtomic(bundle.MonitorPid(),
                              absl::StrCat(me->pid, " ", me->start_time, " ",
                                           me->pidfs_ino))
                  .ok());
  auto found = monitor::FindMonitor(dir_);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, *me);

  auto listen = monitor::Listen(bundle.AttachSocket());
  ASSERT_TRUE(listen.ok()) << listen.status();
  EXPECT_TRUE(monitor::ConnectAttach(dir_).ok());
}

TEST_F(BundleLayoutTest, RuntimeStateIsSavedInTheStateDir) {
  BundleLayout bundle(dir_);
  ASSERT_TRUE(MakeDirs(bundle.StateDir(), 0700).ok());
  state::State st{.id = "c1", .bundle = dir_};
  ASSERT_TRUE(state::Save(bundle.StateDir(), st).ok());
  EXPECT_TRUE(ReadFile(StateLayout(bundle.StateDir()).StateJson()).ok());
  auto loaded = state::Load(bundle.StateDir());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->bundle, dir_);
}

}  // namespace
}  // namespace crisp::runtime
