// A CreateContainer in flight while its pod is stopped and removed (audit
// M5): the pod and container managers on the real kernel, wired as crispd
// wires them, with the create paused inside its spec builder (after the
// readiness check, before the container is saved).
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/files.h"
#include "common/store/database.h"
#include "containers/container_manager.h"
#include "containers/monitor_runtime.h"
#include "gmock/gmock.h"
#include "sandbox/pod_manager.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::containers {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class NoNetwork : public sandbox::PodNetwork {
 public:
  absl::StatusOr<std::vector<std::string>> Attach(
      const sandbox::NetworkAttachment&) override {
    return std::vector<std::string>{"10.88.0.9"};
  }
  absl::Status Detach(const sandbox::NetworkAttachment&) override {
    return absl::OkStatus();
  }
};

bool AnyMountUnder(const std::string& dir) {
  auto text = ReadFile("/proc/self/mountinfo");
  return text.ok() && text->find(" " + dir + "/") != std::string::npos;
}

// Live (not zombie) processes whose command line mentions `text`: the
// monitor is started with the container's state dir.
int LiveProcessesMentioning(const std::string& text) {
  int n = 0;
  auto pids = ListDir("/proc");
  if (!pids.ok()) return -1;
  for (const std::string& pid : *pids) {
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = ReadFile("/proc/" + pid + "/cmdline");
    auto stat = ReadFile("/proc/" + pid + "/stat");
    if (!cmdline.ok() || !stat.ok()) continue;
    size_t paren = stat->rfind(')');
    bool zombie = paren != std::string::npos && paren + 2 < stat->size() &&
                  (*stat)[paren + 2] == 'Z';
    if (!zombie && cmdline->find(text) != std::string::npos) ++n;
  }
  return n;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

class CreateTeardownTest : public runtime::testing::RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto db = store::Database::Open(tmp_ + "/crisp.db",
                                    {sandbox::kPodsSchema, kContainersSchema});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto c = ContainerManager::Open(
        {.state_dir = tmp_ + "/containers",
         .root_dir = tmp_ + "/layers",
         .runtime = std::make_shared<MonitorRuntime>(
             MonitorRuntimeOptions{.monitor_path = CRISP_MONITOR_BIN,
                                   .runtime_path = CRISP_RUNTIME_BIN}),
         .rootfs = std::make_shared<OverlayRootfs>()},
        db_.get());
    ASSERT_TRUE(c.ok()) << c.status();
    containers_ = *std::move(c);
    sandbox::PodManagerOptions o{
        tmp_ + "/pods", tmp_ + "/ns", "/etc/resolv.conf", "/etc/hosts",
        1 << 20,        &network_,    CRISP_PAUSE_BIN,    drain_timeout_};
    auto p = sandbox::PodManager::Open(o, db_.get());
    ASSERT_TRUE(p.ok()) << p.status();
    pods_ = *std::move(p);
    ContainerManager* cm = containers_.get();
    pods_->stop_containers = [cm](const std::string& pod) {
      return cm->StopAllInPod(pod);
    };
    pods_->remove_containers = [cm](const std::string& pod) {
      return cm->RemoveAllInPod(pod);
    };
    sandbox::PodSpec spec;
    spec.metadata = {"web", "uid-web", "default", 0};
    spec.hostname = "web";
    auto pod = pods_->Run(spec);
    ASSERT_TRUE(pod.ok()) << pod.status();
    pod_ = *std::move(pod);
  }
  void TearDown() override {
    if (containers_) {
      for (const Container& c : containers_->List()) {
        (void)containers_->Remove(c.id);
      }
    }
    if (pods_) {
      for (const sandbox::Pod& p : pods_->List()) (void)pods_->Remove(p.id);
    }
    pods_.reset();
    containers_.reset();
    db_.reset();
    RuntimeTest::TearDown();
  }

  // The request CreateContainer makes; `pause` runs inside the spec
  // builder, i.e. after the readiness check and before the save.
  NewContainer Request(std::function<void()> pause) {
    NewContainer r;
    r.container.pod_id = pod_.id;
    r.container.name = "app";
    r.lower_dirs = {rootfs_};
    r.build_spec = [this, pause](const std::string& id,
                                 const std::string& rootfs) {
      pause();
      runtime::oci::Spec s = BaseSpec({"/bin/sleep", "1000"});
      s.root = runtime::oci::Root{rootfs, false};
      s.linux->cgroups_path = "/crisp/" + id;
      ids_.push_back(id);
      return absl::StatusOr<runtime::oci::Spec>(s);
    };
    return r;
  }

  absl::Duration drain_timeout_ = absl::Seconds(60);
  NoNetwork network_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ContainerManager> containers_;
  std::unique_ptr<sandbox::PodManager> pods_;
  sandbox::Pod pod_;
};

TEST_F(CreateTeardownTest, CreateInFlightDuringPodRemovalLeavesNothing) {
  absl::Notification paused, closed;
  pods_->on_closed_to_creates = [&](const std::string&) {
    if (!closed.HasBeenNotified()) closed.Notify();
  };
  // CreateContainer's readiness check, then the create, paused in its spec
  // builder until the pod's Stop has closed the pod to creates.
  auto admission = pods_->AdmitCreate(pod_.id);
  ASSERT_TRUE(admission.ok()) << admission.status();
  std::optional<absl::StatusOr<Container>> created;
  std::thread create([&, a = *std::move(admission)] {
    NewContainer r = Request([&] {
      paused.Notify();
      closed.WaitForNotification();
    });
    r.pod_still_ready = [&a] { return a.StillReady(); };
    created = containers_->Create(r);
  });
  paused.WaitForNotification();
  absl::Status stopped = pods_->Stop(pod_.id);  // waits for the create
  absl::Status removed = pods_->Remove(pod_.id);
  create.join();
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_TRUE(removed.ok()) << removed;
  ASSERT_TRUE(created.has_value());
  EXPECT_FALSE(created->ok())
      << "a container was saved into removed pod " << pod_.id;
  EXPECT_THAT(created->status().message(), HasSubstr(pod_.id));
  EXPECT_THAT(containers_->List(), IsEmpty());
  EXPECT_THAT(*ListDir(tmp_ + "/containers"), IsEmpty());
  EXPECT_THAT(*ListDir(tmp_ + "/layers"), IsEmpty());
  EXPECT_FALSE(AnyMountUnder(tmp_ + "/containers"));
  EXPECT_EQ(LiveProcessesMentioning(tmp_ + "/containers/"), 0)
      << "a crisp-monitor is left";
  for (const std::string& id : ids_) {
    EXPECT_FALSE(Exists("/sys/fs/cgroup/pids/crisp/" + id)) << id;
  }
  auto rows = db_->Query("SELECT id FROM containers");
  EXPECT_THAT(*rows, IsEmpty());
}

// A create admitted before the pod's Stop and not yet finished makes the
// Stop wait; past the bound the Stop fails (kubelet retries it) and the pod
// stays closed to new creates, so no container can slip in behind it.
class ShortDrainTest : public CreateTeardownTest {
 protected:
  ShortDrainTest() { drain_timeout_ = absl::Milliseconds(1); }
};

TEST_F(ShortDrainTest, StopWaitsForAdmittedCreatesThenRetries) {
  auto admission = pods_->AdmitCreate(pod_.id);
  ASSERT_TRUE(admission.ok()) << admission.status();
  absl::Status stopped = pods_->Stop(pod_.id);
  EXPECT_EQ(stopped.code(), absl::StatusCode::kUnavailable) << stopped;
  EXPECT_THAT(stopped.message(), HasSubstr(pod_.id));
  EXPECT_EQ(pods_->AdmitCreate(pod_.id).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::Status still = admission->StillReady();
  EXPECT_EQ(still.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(still.message(), HasSubstr(pod_.id));
  admission = absl::UnavailableError("released");  // ends the admission
  EXPECT_TRUE(pods_->Stop(pod_.id).ok());
  EXPECT_TRUE(pods_->Remove(pod_.id).ok());
  EXPECT_EQ(pods_->AdmitCreate(pod_.id).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crisp::containers
