// The pod lifecycle on the real kernel (pinned namespaces, shm) with a fake
// network that records calls and fails on demand: run, retry, stop,
// remove, rollback of a failed run, and recovery of a crashed one.
#include "sandbox/pod_manager.h"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "runtime/linux/state.h"
#include "tests/support/requirement.h"

namespace crisp::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeNetwork : public PodNetwork {
 public:
  absl::StatusOr<std::vector<std::string>> Attach(
      const NetworkAttachment& a) override {
    calls.push_back("attach " + a.metadata.name);
    if (fail_attach) return absl::UnavailableError("fake CNI ADD failed");
    struct stat st;
    if (stat(a.netns.c_str(), &st) != 0) {
      return absl::FailedPreconditionError("netns not pinned");
    }
    return std::vector<std::string>{"10.88.0.7"};
  }
  // Strict, as real plugins are: a DEL given a netns path that holds no
  // namespace fails.
  absl::Status Detach(const NetworkAttachment& a) override {
    calls.push_back("detach " + a.metadata.name);
    struct statfs fs;
    if (!a.netns.empty() &&
        (statfs(a.netns.c_str(), &fs) != 0 || fs.f_type != NSFS_MAGIC)) {
      return absl::InternalError(a.netns + " is not a network namespace");
    }
    return absl::OkStatus();
  }
  std::vector<std::string> calls;
  bool fail_attach = false;
};

bool Exists(const std::string& path) {
  struct stat st;
  return !path.empty() && stat(path.c_str(), &st) == 0;
}

bool Mounted(const std::string& path) {
  auto text = ReadFile("/proc/self/mountinfo");
  return text.ok() && text->find(" " + path + " ") != std::string::npos;
}

class PodManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(geteuid() == 0, "pods need root");
    char tmpl[] = "/tmp/crisp-pods-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    OpenManager();
  }
  void TearDown() override {
    if (manager_) {
      for (const Pod& p : manager_->List()) (void)manager_->Remove(p.id);
    }
    manager_.reset();
    db_.reset();
    if (!dir_.empty()) (void)RemoveAll(dir_);
  }
  void OpenManager() {
    manager_.reset();
    db_.reset();
    auto db = store::Database::Open(dir_ + "/crisp.db", {kPodsSchema});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    PodManagerOptions o{dir_ + "/pods", dir_ + "/ns", "/etc/resolv.conf",
                        "/etc/hosts",   1 << 20,      &network_,
                        CRISP_PAUSE_BIN};
    auto m = PodManager::Open(o, db_.get());
    ASSERT_TRUE(m.ok()) << m.status();
    manager_ = *std::move(m);
  }
  static PodSpec Spec(const std::string& name) {
    PodSpec s;
    s.metadata = {name, "uid-" + name, "default", 0};
    s.hostname = name;
    s.dns.servers = {"10.0.0.10"};
    return s;
  }

  std::string dir_;
  FakeNetwork network_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<PodManager> manager_;
};

TEST_F(PodManagerTest, RunRetryStopRemove) {
  auto pod = manager_->Run(Spec("web"));
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_EQ(pod->state, PodState::kReady);
  EXPECT_THAT(pod->ips, ElementsAre("10.88.0.7"));
  EXPECT_EQ(*ReadFile(pod->ResolvConf()), "nameserver 10.0.0.10\n");
  EXPECT_EQ(*ReadFile(pod->HostnameFile()), "web\n");
  EXPECT_TRUE(Mounted(pod->Shm()));
  EXPECT_TRUE(Mounted(pod->namespaces.net));

  auto again = manager_->Run(Spec("web"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, pod->id) << "a retried Run returns the first pod";
  EXPECT_EQ(manager_->Get(pod->id.substr(0, 6))->id, pod->id);

  ASSERT_TRUE(manager_->Stop(pod->id).ok());
  ASSERT_TRUE(manager_->Stop(pod->id).ok()) << "Stop is idempotent";
  auto stopped = manager_->Get(pod->id);
  EXPECT_EQ(stopped->state, PodState::kNotReady);
  EXPECT_THAT(stopped->ips, IsEmpty());
  EXPECT_FALSE(Mounted(pod->Shm()));
  EXPECT_FALSE(Exists(pod->namespaces.net));
  EXPECT_EQ(manager_->Run(Spec("web")).status().code(),
            absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(manager_->Remove(pod->id).ok());
  EXPECT_TRUE(manager_->Remove(pod->id).ok()) << "Remove is idempotent";
  EXPECT_FALSE(Exists(pod->dir));
  EXPECT_THAT(manager_->List(), IsEmpty());
  EXPECT_THAT(network_.calls, ElementsAre("attach web", "detach web"));
}

TEST_F(PodManagerTest, FailedAttachLeavesNothing) {
  network_.fail_attach = true;
  auto pod = manager_->Run(Spec("bad"));
  ASSERT_EQ(pod.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(manager_->List(), IsEmpty());
  EXPECT_THAT(*ListDir(dir_ + "/pods"), IsEmpty());
  EXPECT_THAT(*ListDir(dir_ + "/ns/net"), IsEmpty());
  auto rows = db_->Query("SELECT id FROM pods");
  EXPECT_THAT(*rows, IsEmpty());
}

TEST_F(PodManagerTest, HostNetworkPodHasNoNetnsAndNoAttach) {
  PodSpec s = Spec("host");
  s.host_network = true;
  auto pod = manager_->Run(s);
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_TRUE(pod->namespaces.net.empty());
  EXPECT_TRUE(pod->namespaces.uts.empty());
  EXPECT_FALSE(pod->namespaces.ipc.empty());
  EXPECT_THAT(network_.calls, IsEmpty());
}

TEST_F(PodManagerTest, SharedPidNamespaceIsHeldByAnInfraProcess) {
  PodSpec s = Spec("shared");
  s.share_pid = true;
  auto pod = manager_->Run(s);
  ASSERT_TRUE(pod.ok()) << pod.status();
  ASSERT_FALSE(pod->namespaces.pid.empty());
  EXPECT_TRUE(ProcessAlive(pod->infra));
  // A process joining the pinned namespace sees the infra as its pid 1.
  std::string out;
  FILE* p = popen(("nsenter --pid=" + pod->namespaces.pid +
                   " sh -c 'echo $$; cat /proc/1/comm 2>/dev/null || true'")
                      .c_str(),
                  "r");
  char buf[256];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
  pclose(p);
  EXPECT_NE(out.find("\n"), std::string::npos);
  EXPECT_NE(out.substr(0, out.find('\n')), "1") << out;
  ASSERT_TRUE(manager_->Stop(pod->id).ok());
  // Dead: gone, or a zombie its reaper has not collected yet.
  EXPECT_TRUE(!ProcessAlive(pod->infra) ||
              runtime::state::ProcessExited(pod->infra.pid));
  EXPECT_FALSE(Exists(pod->namespaces.pid));
}

TEST_F(PodManagerTest, BadSysctlIsRefusedBeforeAnythingIsMade) {
  PodSpec s = Spec("sysctl");
  s.sysctls = {{"vm.swappiness", "10"}};
  EXPECT_EQ(manager_->Run(s).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(*ListDir(dir_ + "/pods"), IsEmpty());
}

TEST_F(PodManagerTest, ReopenKeepsReadyPodsAndRollsBackUnfinishedOnes) {
  auto pod = manager_->Run(Spec("keep"));
  ASSERT_TRUE(pod.ok());
  // A crash in the middle of a Run leaves a "creating" row and its dir.
  Pod half;
  half.id = GenerateId();
  half.spec = Spec("half");
  half.dir = dir_ + "/pods/" + half.id;
  ASSERT_TRUE(MakeDirs(half.dir, 0711).ok());
  ASSERT_TRUE(store::RecordTable<Pod>(db_.get(), PodFormat()).Put(half).ok());

  OpenManager();
  auto pods = manager_->List();
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].id, pod->id);
  EXPECT_EQ(pods[0].state, PodState::kReady);
  EXPECT_FALSE(Exists(half.dir));
  EXPECT_EQ(network_.calls.back(), "detach half");
}

// A kill between unmounting the network pin and removing its file (or a
// reboot) leaves a plain file where the namespace was: after a restart,
// Stop and Remove still work, with a DEL that names no netns (issue 15).
TEST_F(PodManagerTest, APinLeftWithoutItsNamespaceStillStopsAndRemoves) {
  auto pod = manager_->Run(Spec("lost"));
  ASSERT_TRUE(pod.ok()) << pod.status();
  ASSERT_EQ(umount2(pod->namespaces.net.c_str(), MNT_DETACH), 0);
  ASSERT_TRUE(Exists(pod->namespaces.net));
  OpenManager();
  absl::Status stopped = manager_->Stop(pod->id);
  EXPECT_TRUE(stopped.ok()) << stopped;
  absl::Status removed = manager_->Remove(pod->id);
  EXPECT_TRUE(removed.ok()) << removed;
  EXPECT_FALSE(Exists(pod->namespaces.net));
}

}  // namespace
}  // namespace crisp::sandbox
