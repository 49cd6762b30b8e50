// The ContainerStatus and PodSandboxStatus fields kubelet reads, through the
// real crispd: the exit reason (Completed, Error, OOMKilled,
// ContainerCannotRun), image_ref as the repo digest, the current resource
// limits (after an update too), the user the container runs as, the verbose
// info, and the pod's status with its containers' statuses.
#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ContainerStatusFieldsTest : public LabContainerFixture {
 protected:
  void SetUp() override {
    LabContainerFixture::SetUp();
    if (!Ready()) return;
    pc_ = PodConfig("fields");
    pod_ = MustRun(pc_);
  }

  std::string Run(
      const std::string& name, const std::string& cmd,
      const std::function<void(v1::ContainerConfig*)>& edit = nullptr) {
    std::string id = Create(pod_, pc_, name, cmd, edit);
    EXPECT_TRUE(crispd_.client().StartContainer(id).ok());
    return id;
  }

  v1::PodSandboxConfig pc_;
  std::string pod_;
};

TEST_F(ContainerStatusFieldsTest, TheExitCodeGivesTheReason) {
  v1::ContainerStatus done = WaitExited(Run("zero", "exit 0"));
  EXPECT_EQ(done.exit_code(), 0);
  EXPECT_EQ(done.reason(), "Completed");
  v1::ContainerStatus failed = WaitExited(Run("one", "exit 1"));
  EXPECT_EQ(failed.exit_code(), 1);
  EXPECT_EQ(failed.reason(), "Error");
}

// A command that cannot run fails StartContainer with its cause, and the
// container has then exited as Docker and CRI-O report it: reason
// ContainerCannotRun, the cause as message, the shell's exit code (127 not
// found, 126 not executable), also after crispd restarts.
TEST_F(ContainerStatusFieldsTest, ACommandThatCannotRunIsContainerCannotRun) {
  struct Case {
    std::string command;
    int exit_code;
    std::string cause;
  };
  std::vector<Case> cases = {
      {"/nonexistent", 127, "No such file or directory"},
      {"no-such-command", 127, "not found in $PATH"},
      {"/etc", 126, "Permission denied"},  // found; execve refuses it
  };
  std::vector<std::string> ids;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& k = cases[i];
    std::string id = Create(pod_, pc_, absl::StrCat("cannot-run-", i), "",
                            [&](v1::ContainerConfig* c) {
                              c->clear_command();
                              c->clear_args();
                              c->add_command(k.command);
                            });
    ASSERT_FALSE(id.empty());
    grpc::Status started = crispd_.client().StartContainer(id);
    EXPECT_FALSE(started.ok()) << k.command;
    EXPECT_THAT(started.error_message(), HasSubstr(k.command));
    EXPECT_THAT(started.error_message(), HasSubstr(k.cause));
    ids.push_back(id);
  }
  for (bool restarted : {false, true}) {
    if (restarted) {
      ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());
      ASSERT_EQ(crispd_.Start(), "");
    }
    for (size_t i = 0; i < cases.size(); ++i) {
      v1::ContainerStatus st = StatusC(ids[i]);  // no wait: exited already
      EXPECT_EQ(st.state(), v1::CONTAINER_EXITED) << cases[i].command;
      EXPECT_EQ(st.exit_code(), cases[i].exit_code) << cases[i].command;
      EXPECT_EQ(st.reason(), "ContainerCannotRun") << cases[i].command;
      EXPECT_THAT(st.message(), HasSubstr(cases[i].command));
      EXPECT_THAT(st.message(), HasSubstr(cases[i].cause));
      EXPECT_GT(st.finished_at(), 0);
    }
  }
}

TEST_F(ContainerStatusFieldsTest, AnOomKillIsTheReason) {
  std::string id = Run("hog", "head -c 1000m /dev/zero | tail > /dev/null",
                       [](v1::ContainerConfig* c) {
                         auto* r = c->mutable_linux()->mutable_resources();
                         r->set_memory_limit_in_bytes(32 << 20);
                         r->set_memory_swap_limit_in_bytes(32 << 20);
                       });
  v1::ContainerStatus st = WaitExited(id);
  EXPECT_EQ(st.state(), v1::CONTAINER_EXITED);
  EXPECT_EQ(st.reason(), "OOMKilled") << "exit code " << st.exit_code();
}

TEST_F(ContainerStatusFieldsTest, ImageRefIsTheRepoDigestAndImageIdTheConfig) {
  v1::ImageStatusRequest req;
  req.mutable_image()->set_image(image_);
  v1::ImageStatusResponse image;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::ImageService::Stub::ImageStatus, req, &image)
                  .ok());
  std::string id = Create(pod_, pc_, "img", "exec sleep 1000");
  v1::ContainerStatus st = StatusC(id);
  EXPECT_EQ(st.image().image(), image_);
  EXPECT_THAT(st.image_ref(),
              StartsWith(LabRegistry() + "/e2e-test-images/busybox@sha256:"));
  EXPECT_THAT(image.image().repo_digests(), Contains(st.image_ref()));
  EXPECT_EQ(st.image_id(), image.image().id());
}

TEST_F(ContainerStatusFieldsTest, ResourcesAreTheCurrentLimits) {
  std::string id =
      Run("limited", "exec sleep 1000", [](v1::ContainerConfig* c) {
        auto* r = c->mutable_linux()->mutable_resources();
        r->set_memory_limit_in_bytes(64 << 20);
        r->set_cpu_period(100000);
        r->set_cpu_quota(20000);
        r->set_cpu_shares(256);
      });
  const v1::LinuxContainerResources created = StatusC(id).resources().linux();
  EXPECT_EQ(created.memory_limit_in_bytes(), 64 << 20);
  EXPECT_EQ(created.cpu_period(), 100000);
  EXPECT_EQ(created.cpu_quota(), 20000);
  EXPECT_EQ(created.cpu_shares(), 256);

  v1::UpdateContainerResourcesRequest update;
  update.set_container_id(id);
  update.mutable_linux()->set_memory_limit_in_bytes(128 << 20);
  update.mutable_linux()->set_cpu_period(100000);
  update.mutable_linux()->set_cpu_quota(50000);
  v1::UpdateContainerResourcesResponse updated;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::UpdateContainerResources,
                        update, &updated)
                  .ok());
  const v1::LinuxContainerResources now = StatusC(id).resources().linux();
  EXPECT_EQ(now.memory_limit_in_bytes(), 128 << 20);
  EXPECT_EQ(now.cpu_quota(), 50000);
  EXPECT_EQ(now.cpu_shares(), 256) << "not in the update: unchanged";
}

TEST_F(ContainerStatusFieldsTest, TheUserIsWhatTheContainerRunsAs) {
  std::string id =
      Create(pod_, pc_, "user", "exec sleep 1000", [](v1::ContainerConfig* c) {
        auto* sc = c->mutable_linux()->mutable_security_context();
        sc->mutable_run_as_user()->set_value(1234);
        sc->mutable_run_as_group()->set_value(5678);
        sc->add_supplemental_groups(42);
      });
  const v1::LinuxContainerUser user = StatusC(id).user().linux();
  EXPECT_EQ(user.uid(), 1234);
  EXPECT_EQ(user.gid(), 5678);
  EXPECT_THAT(user.supplemental_groups(), Contains(42));
}

TEST_F(ContainerStatusFieldsTest, VerboseInfoHasThePidAndTheRuntimeSpec) {
  std::string id = Run("verbose", "exec sleep 1000");
  auto resp = StatusResponse(id, /*verbose=*/true);
  auto info = nlohmann::json::parse(resp.info().at("info"), nullptr, false);
  ASSERT_TRUE(info.is_object());
  EXPECT_EQ(info.value("sandboxID", ""), pod_);
  EXPECT_GT(info.value("pid", 0), 0);
  EXPECT_EQ(info["runtimeSpec"]["process"]["args"].back(), "exec sleep 1000");
}

TEST_F(ContainerStatusFieldsTest, PodStatusCarriesItsContainersStatuses) {
  std::string a = Run("a", "exec sleep 1000");
  std::string b = Create(pod_, pc_, "b", "exec sleep 1000");
  v1::PodSandboxStatusResponse resp;
  ASSERT_TRUE(Status(pod_, &resp).ok());
  EXPECT_GT(resp.timestamp(), 0);
  ASSERT_EQ(resp.containers_statuses_size(), 2);
  for (const auto& st : resp.containers_statuses()) {
    EXPECT_EQ(st.state(),
              st.id() == a ? v1::CONTAINER_RUNNING : v1::CONTAINER_CREATED);
  }
  auto info = nlohmann::json::parse(resp.info().at("info"), nullptr, false);
  ASSERT_TRUE(info.is_object());
  EXPECT_TRUE(info.contains("pid"));
  EXPECT_NE(info.value("netns", ""), "");
  (void)b;
}

}  // namespace
}  // namespace crisp::testing
