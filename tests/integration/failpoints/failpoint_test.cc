// Every failpoint of crispd (common/failpoint.h), with each action: the
// operation it interrupts fails (error) or crispd dies there (crash, then a
// restart on the same root and state without failpoints); afterwards the
// object is listed in a consistent state or not at all, a retry works, and
// once it is removed nothing is left on the host (tests/support/leak_check).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/failpoint.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_pod_fixture.h"
#include "tests/support/leak_check.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Case {
  std::string point;
  bool crash = false;
};

std::string Name(const ::testing::TestParamInfo<Case>& info) {
  std::string n =
      absl::StrCat(info.param.point, "_", info.param.crash ? "crash" : "error");
  for (char& c : n) {
    if (c == '.') c = '_';
  }
  return n;
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const std::string& p : failpoint::Points()) {
    // Hit inside runtime::Kill, which the tests call in-process
    // (KillTest.AFailedThawIsRetried), or inside crisp-monitor
    // (MonitorTest.DeleteReturnsOnlyOnceTheMonitorIsGone).
    if (absl::StartsWith(p, "runtime.") || absl::StartsWith(p, "monitor.")) {
      continue;
    }
    cases.push_back({p, false});
    cases.push_back({p, true});
  }
  return cases;
}

class FailpointTest : public LabPodFixture,
                      public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    LabPodFixture::SetUp();
    if (!Ready()) return;
    scope_ = {crispd_.dir(), bridge_, absl::StrCat("/crispfp", getpid())};
    pause_image_ = LabRegistry() + "/pause:3.9";
  }

  void TearDown() override {
    LabPodFixture::TearDown();
    // Children first: rmdir leaves whatever still has processes.
    Sh(absl::StrCat("find /sys/fs/cgroup/*", scope_.cgroup_parent,
                    " -depth -type d -exec rmdir {} + 2>/dev/null"));
  }

  const std::string& point() const { return GetParam().point; }
  bool crash() const { return GetParam().crash; }

  // Restarts crispd with the failpoint armed: once for an error, so that
  // the retry in the same daemon goes through.
  void Arm() {
    ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(30)).has_value());
    CrispdOptions o;
    o.env = {absl::StrCat(failpoint::kEnvironmentVariable, "=", point(), "=",
                          crash() ? "crash" : "1*error")};
    ASSERT_EQ(crispd_.Start(o), "");
  }

  // The call the failpoint interrupted: an error naming the point, or a
  // daemon killed there and started again without failpoints.
  void ExpectInterrupted(const grpc::Status& s) {
    ASSERT_FALSE(s.ok()) << point() << " was never reached";
    if (!crash()) {
      EXPECT_THAT(s.error_message(), HasSubstr("failpoint " + point()));
      return;
    }
    // Signal 0 sends nothing: this only waits for the death.
    std::optional<int> status = crispd_.Stop(0, std::chrono::seconds(20));
    ASSERT_TRUE(status.has_value()) << "crispd survived " << point();
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
    ASSERT_EQ(crispd_.Start(), "");  // recovery, without the failpoint
  }

  // Polls (bounded) until nothing is left beyond `before`: processes being
  // killed take a moment to go.
  void ExpectNoLeaks(const HostResources& before, const std::string& when) {
    std::vector<std::string> leaks;
    for (int i = 0; i < 100; ++i) {
      leaks = NewResources(before, TakeSnapshot(scope_));
      if (leaks.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << when << ": left behind:\n  "
                  << absl::StrJoin(leaks, "\n  ") << "\ncrispd log:\n"
                  << LogTail();
  }

  std::string LogTail() {
    std::string log = crispd_.Log();
    return log.size() > 6000 ? log.substr(log.size() - 6000) : log;
  }

  // With a shared PID namespace crisp-pause runs; without, the first pin
  // a stop unmounts is the network's.
  v1::PodSandboxConfig PodConfig(bool share_pid = true) {
    v1::PodSandboxConfig c = Config("fp");
    c.mutable_linux()->set_cgroup_parent(scope_.cgroup_parent);
    if (!share_pid) return c;
    c.mutable_linux()
        ->mutable_security_context()
        ->mutable_namespace_options()
        ->set_pid(v1::POD);
    return c;
  }

  grpc::Status CreateC(const std::string& pod, std::string* id) {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod);
    *req.mutable_sandbox_config() = PodConfig();
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name("c");
    c->mutable_image()->set_image(image_);
    c->add_command("sleep");
    c->add_args("3600");
    v1::CreateContainerResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CreateContainer,
                                   req, &resp);
    *id = resp.container_id();
    return s;
  }

  std::string MustCreate(const std::string& pod) {
    std::string id;
    auto s = CreateC(pod, &id);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
    return id;
  }

  grpc::Status StartC(const std::string& id) {
    return crispd_.client().StartContainer(id);
  }

  grpc::Status StopC(const std::string& id) {
    return crispd_.client().StopContainer(id);
  }

  grpc::Status RemoveC(const std::string& id) {
    return crispd_.client().RemoveContainer(id);
  }

  std::vector<v1::Container> Containers() {
    v1::ListContainersResponse resp;
    EXPECT_TRUE(crispd_.client()
                    .Call(&v1::RuntimeService::Stub::ListContainers,
                          v1::ListContainersRequest(), &resp)
                    .ok());
    return {resp.containers().begin(), resp.containers().end()};
  }

  grpc::Status Exec(const std::string& id) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    req.add_cmd("true");
    req.set_timeout(20);
    v1::ExecSyncResponse resp;
    auto s =
        crispd_.client().Call(&v1::RuntimeService::Stub::ExecSync, req, &resp);
    if (s.ok() && resp.exit_code() != 0) {
      return grpc::Status(grpc::StatusCode::UNKNOWN, "exec exited non-zero");
    }
    return s;
  }

  grpc::Status Pull(const std::string& image) {
    v1::PullImageResponse resp;
    return crispd_.client().PullImage(image, &resp);
  }

  grpc::Status RemoveImage(const std::string& image) {
    v1::RemoveImageRequest req;
    req.mutable_image()->set_image(image);
    v1::RemoveImageResponse resp;
    return crispd_.client().Call(&v1::ImageService::Stub::RemoveImage, req,
                                 &resp);
  }

  bool ImageListed(const std::string& image) {
    v1::ListImagesResponse resp;
    EXPECT_TRUE(crispd_.client()
                    .Call(&v1::ImageService::Stub::ListImages,
                          v1::ListImagesRequest(), &resp)
                    .ok());
    for (const auto& i : resp.images()) {
      for (const auto& t : i.repo_tags()) {
        if (t == image) return true;
      }
    }
    return false;
  }

  // Stops and removes a running container and its pod; nothing may stay.
  void RemoveAll(const std::string& pod, const std::string& cid,
                 const HostResources& base) {
    if (!cid.empty()) {
      EXPECT_TRUE(StopC(cid).ok());
      auto s = RemoveC(cid);
      EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
    }
    auto s = RemovePod(pod);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
    EXPECT_THAT(List({}), IsEmpty());
    ExpectNoLeaks(base, "after removing everything");
  }

  void RunPodSandbox();
  void CreateContainer();
  void StartContainer();
  void StopPodSandbox();
  void PullImage();
  void RemoveImageCase();

  LeakScope scope_;
  std::string pause_image_;
};

void FailpointTest::RunPodSandbox() {
  HostResources base = TakeSnapshot(scope_);
  std::string id;
  ExpectInterrupted(RunPod(PodConfig(), &id));
  if (HasFatalFailure()) return;
  EXPECT_THAT(List({}), IsEmpty()) << "a pod whose run failed is listed";
  ExpectNoLeaks(base, "after the interrupted RunPodSandbox");
  std::string pod = MustRun(PodConfig());
  ASSERT_FALSE(pod.empty());
  RemoveAll(pod, "", base);
}

void FailpointTest::CreateContainer() {
  HostResources base = TakeSnapshot(scope_);
  std::string pod = MustRun(PodConfig());
  ASSERT_FALSE(pod.empty());
  HostResources with_pod = TakeSnapshot(scope_);
  std::string id;
  ExpectInterrupted(CreateC(pod, &id));
  if (HasFatalFailure()) return;
  EXPECT_THAT(Containers(), IsEmpty()) << "a failed create is listed";
  ExpectNoLeaks(with_pod, "after the interrupted CreateContainer");
  std::string cid = MustCreate(pod);
  ASSERT_FALSE(cid.empty());
  ASSERT_TRUE(StartC(cid).ok());
  EXPECT_TRUE(Exec(cid).ok());
  RemoveAll(pod, cid, base);
}

void FailpointTest::StartContainer() {
  HostResources base = TakeSnapshot(scope_);
  std::string pod = MustRun(PodConfig());
  std::string cid = MustCreate(pod);
  ASSERT_FALSE(cid.empty());
  ExpectInterrupted(StartC(cid));
  if (HasFatalFailure()) return;
  std::vector<v1::Container> listed = Containers();
  ASSERT_EQ(listed.size(), 1u);
  v1::ContainerState state = listed[0].state();
  // Created: the start never happened, so a retry starts it. Running: it
  // runs, and says so. A retry of an interrupted start goes through.
  ASSERT_TRUE(state == v1::CONTAINER_CREATED || state == v1::CONTAINER_RUNNING)
      << v1::ContainerState_Name(state);
  if (state == v1::CONTAINER_CREATED || !crash()) {
    auto s = StartC(cid);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
  }
  EXPECT_EQ(Containers().at(0).state(), v1::CONTAINER_RUNNING);
  EXPECT_TRUE(Exec(cid).ok()) << "listed running, but no process";
  RemoveAll(pod, cid, base);
}

void FailpointTest::StopPodSandbox() {
  HostResources base = TakeSnapshot(scope_);
  // sandbox.stop.after_unmount then stops between unmounting the network
  // pin and removing its file: CNI DEL must not be given the plain file.
  std::string pod = MustRun(PodConfig(/*share_pid=*/false));
  std::string cid = MustCreate(pod);
  ASSERT_FALSE(cid.empty());
  ASSERT_TRUE(StartC(cid).ok());
  ExpectInterrupted(StopPod(pod));
  if (HasFatalFailure()) return;
  EXPECT_EQ(List({}).size(), 1u);
  auto s = StopPod(pod);
  EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
  RemoveAll(pod, cid, base);
}

void FailpointTest::PullImage() {
  HostResources base = TakeSnapshot(scope_);
  ExpectInterrupted(Pull(pause_image_));
  if (HasFatalFailure()) return;
  EXPECT_FALSE(ImageListed(pause_image_));
  // A crash is collected at start-up; blobs of a failed pull may stay for
  // the retry, until the next collection.
  if (crash()) ExpectNoLeaks(base, "after recovering the pull");
  auto s = Pull(pause_image_);
  ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << LogTail();
  EXPECT_TRUE(ImageListed(pause_image_));
  s = RemoveImage(pause_image_);
  EXPECT_TRUE(s.ok()) << s.error_message();
  ExpectNoLeaks(base, "after removing the image");
}

void FailpointTest::RemoveImageCase() {
  HostResources base = TakeSnapshot(scope_);
  ASSERT_TRUE(Pull(pause_image_).ok());
  ExpectInterrupted(RemoveImage(pause_image_));
  if (HasFatalFailure()) return;
  EXPECT_FALSE(ImageListed(pause_image_));
  auto s = RemoveImage(pause_image_);
  EXPECT_TRUE(s.ok()) << s.error_message();
  ExpectNoLeaks(base, "after the retried RemoveImage");
  s = Pull(pause_image_);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(ImageListed(pause_image_));
}

TEST_P(FailpointTest, RollsBackOrRecovers) {
  if (!Ready()) return;
  Arm();
  if (HasFatalFailure()) return;
  const std::string& p = point();
  if (absl::StartsWith(p, "sandbox.run.")) return RunPodSandbox();
  if (absl::StartsWith(p, "container.create.")) return CreateContainer();
  if (absl::StartsWith(p, "container.start.")) return StartContainer();
  if (absl::StartsWith(p, "sandbox.stop.")) return StopPodSandbox();
  if (absl::StartsWith(p, "image.pull.")) return PullImage();
  if (absl::StartsWith(p, "image.remove.")) return RemoveImageCase();
  FAIL() << "failpoint " << p << " has no scenario: add one here";
}

INSTANTIATE_TEST_SUITE_P(Points, FailpointTest, ::testing::ValuesIn(AllCases()),
                         Name);

// The suite above iterates over the daemon's own list, so every point is
// tested; that list must be the one crispd reports.
TEST(FailpointList, CrispdListsEveryPoint) {
  CrispdProcess::Result r = CrispdProcess::RunOnce({"failpoints"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> listed =
      absl::StrSplit(r.output, '\n', absl::SkipEmpty());
  EXPECT_EQ(listed, failpoint::Points());
}

// A misspelt point must stop crispd, or a test would pass without ever
// reaching it.
TEST(FailpointList, UnknownPointStopsCrispd) {
  CrispdProcess crispd;
  CrispdOptions o;
  o.env = {"CRISP_FAILPOINTS=sandbox.run.after_pinz=crash"};
  EXPECT_THAT(crispd.Start(o), HasSubstr("unknown failpoint"));
  EXPECT_THAT(crispd.Log(), HasSubstr("sandbox.run.after_pinz"));
}

}  // namespace
}  // namespace crisp::testing
