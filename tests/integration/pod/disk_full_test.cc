// RunPodSandbox and CreateContainer on a full disk (crispd's root and
// state on small tmpfs mounts): RESOURCE_EXHAUSTED, whichever write ran
// out (the metadata row on the root, the pod files or the bundle on the
// state), everything they had made rolled back, crispd still serving, and
// the same request working once space is freed.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_pod_fixture.h"
#include "tests/support/small_disk.h"

namespace crisp::testing {
namespace {

using ::testing::IsEmpty;

constexpr int64_t kMiB = 1 << 20;

class DiskFullPodTest : public LabPodFixture {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(geteuid() == 0, "mounting a tmpfs needs root");
    ASSERT_EQ(root_.Mount(crispd_.root(), 64 * kMiB), "");
    ASSERT_EQ(state_.Mount(crispd_.state(), 16 * kMiB), "");
    LabPodFixture::SetUp();
  }

  grpc::Status CreateC(const std::string& pod, const v1::PodSandboxConfig& pc,
                       const std::string& name, std::string* id) {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod);
    *req.mutable_sandbox_config() = pc;
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(image_);
    c->add_command("sleep");
    c->add_args("1000");
    v1::CreateContainerResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CreateContainer,
                                   req, &resp);
    *id = resp.container_id();
    return s;
  }
  std::vector<std::string> Containers() {
    v1::ListContainersResponse list;
    EXPECT_TRUE(crispd_.client()
                    .Call(&v1::RuntimeService::Stub::ListContainers,
                          v1::ListContainersRequest(), &list)
                    .ok());
    std::vector<std::string> ids;
    for (const auto& c : list.containers()) ids.push_back(c.id());
    return ids;
  }
  static std::vector<std::string> Entries(const std::string& dir) {
    auto names = ListDir(dir);
    return names.ok() ? *names : std::vector<std::string>{};
  }
  // Mounts crispd holds for pods and containers (pins, rootfs).
  std::string MountsUnderState() {
    return Sh(
        absl::StrCat("grep -c ' ", crispd_.state(), "/' /proc/self/mountinfo"));
  }
  void ExpectNoSpace(const grpc::Status& s) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s.error_code() << ": " << s.error_message() << "\n"
        << crispd_.Log();
  }
  void ExpectStillServing() {
    v1::VersionResponse v;
    EXPECT_TRUE(crispd_.client().Version(&v).ok()) << crispd_.Log();
  }

  SmallDisk root_, state_;
};

// The root full: the pod's first write, its "creating" row, fails.
TEST_F(DiskFullPodTest, RunPodSandboxOnAFullRoot) {
  if (!Ready()) return;
  std::string mounts = MountsUnderState();
  ASSERT_EQ(root_.Fill(), "");
  std::string id;
  ExpectNoSpace(RunPod(Config("full-root"), &id));
  EXPECT_THAT(List({}), IsEmpty());
  EXPECT_THAT(Entries(crispd_.state() + "/pods"), IsEmpty());
  EXPECT_EQ(MountsUnderState(), mounts);
  ExpectStillServing();
  root_.Free();
  MustRun(Config("full-root"));
}

// The state full: the row is written, the pod's files are not; the create
// is rolled back (directory, row).
TEST_F(DiskFullPodTest, RunPodSandboxOnAFullState) {
  if (!Ready()) return;
  std::string mounts = MountsUnderState();
  ASSERT_EQ(state_.Fill(), "");
  std::string id;
  ExpectNoSpace(RunPod(Config("full-state"), &id));
  EXPECT_THAT(List({}), IsEmpty());
  EXPECT_THAT(Entries(crispd_.state() + "/pods"), IsEmpty());
  EXPECT_EQ(MountsUnderState(), mounts);
  ExpectStillServing();
  state_.Free();
  MustRun(Config("full-state"));
}

TEST_F(DiskFullPodTest, CreateContainerOnAFullDiskRollsBack) {
  if (!Ready()) return;
  v1::PodSandboxConfig pc = Config("box");
  std::string pod = MustRun(pc);
  std::string mounts = MountsUnderState();
  for (SmallDisk* disk : {&root_, &state_}) {
    ASSERT_EQ(disk->Fill(), "");
    std::string id;
    ExpectNoSpace(CreateC(pod, pc, "main", &id));
    EXPECT_THAT(Containers(), IsEmpty());
    EXPECT_THAT(Entries(crispd_.state() + "/containers"), IsEmpty());
    EXPECT_THAT(Entries(crispd_.root() + "/containers"), IsEmpty());
    EXPECT_EQ(MountsUnderState(), mounts);
    ExpectStillServing();
    disk->Free();
  }
  std::string id;
  grpc::Status s = CreateC(pod, pc, "main", &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Containers(), std::vector<std::string>{id});
}

}  // namespace
}  // namespace crisp::testing
