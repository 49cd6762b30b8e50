// The features Status advertises, through the real crispd: the runtime
// handlers with recursive read-only mounts as measured on this node, and
// the supplemental groups policy. Then each feature at work: a tmpfs
// submount of a host path is read-only inside only with
// recursive_read_only, the combinations containerd and kubelet refuse are
// refused, and Merge and Strict give the groups critest v1.32.0 expects,
// in the process and in ContainerStatus.user.
#include <sys/mount.h>
#include <sys/utsname.h>

#include <chrono>
#include <functional>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Linux 5.12 brought mount_setattr(2); crispd must have found it on such a
// kernel and not claimed it on an older one.
bool KernelHasMountSetattr() {
  struct utsname u = {};
  if (uname(&u) != 0) return false;
  std::vector<std::string> parts = absl::StrSplit(u.release, '.');
  int major = 0, minor = 0;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[0], &major) ||
      !absl::SimpleAtoi(parts[1], &minor)) {
    return false;
  }
  return major > 5 || (major == 5 && minor >= 12);
}

class FeaturesTest : public LabContainerFixture {
 protected:
  void SetUp() override {
    LabContainerFixture::SetUp();
    if (!Ready()) return;
    pc_ = Config("features");
    pc_.set_log_directory(crispd_.dir() + "/logs/features");
    pod_ = MustRun(pc_);
  }

  void TearDown() override {
    if (!tmpfs_.empty()) umount2(tmpfs_.c_str(), MNT_DETACH);
    LabContainerFixture::TearDown();
  }

  // A host directory with a tmpfs mounted at <dir>/tmpfs (critest's
  // createHostPathForRROMount).
  std::string HostPathWithSubmount() {
    std::string dir = crispd_.dir() + "/rro-host";
    tmpfs_ = dir + "/tmpfs";
    EXPECT_TRUE(MakeDirs(tmpfs_, 0700).ok());
    EXPECT_EQ(mount("none", tmpfs_.c_str(), "tmpfs", 0, "size=1m"), 0);
    return dir;
  }

  grpc::Status TryCreate(const std::string& name, const std::string& cmd,
                         const std::function<void(v1::ContainerConfig*)>& edit,
                         std::string* id) {
    return LabContainerFixture::TryCreate(pod_, pc_, name, cmd, edit, id);
  }

  // A running container of `cmd`.
  std::string Run(const std::string& name, const std::string& cmd,
                  const std::function<void(v1::ContainerConfig*)>& edit) {
    std::string id;
    grpc::Status s = TryCreate(name, cmd, edit, &id);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << crispd_.Log();
    grpc::Status started = crispd_.client().StartContainer(id);
    EXPECT_TRUE(started.ok()) << started.error_message();
    return id;
  }

  v1::ExecSyncResponse Exec(const std::string& id,
                            const std::vector<std::string>& cmd) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    for (const auto& c : cmd) req.add_cmd(c);
    req.set_timeout(20);
    v1::ExecSyncResponse resp;
    auto s =
        crispd_.client().Call(&v1::RuntimeService::Stub::ExecSync, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::ContainerStatus StatusOf(const std::string& id) {
    v1::ContainerStatusRequest req;
    req.set_container_id(id);
    v1::ContainerStatusResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::ContainerStatus,
                                   req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.status();
  }

  // The container's log once it holds a line (bounded: 20 s), in CRI form
  // "<time> stdout F <line>".
  std::string FirstLogLine(const std::string& name) {
    std::string path = pc_.log_directory() + "/" + name + ".log";
    for (int i = 0; i < 2000; ++i) {
      auto log = ReadFile(path);
      size_t tag = log.ok() ? log->find(" F ") : std::string::npos;
      if (tag != std::string::npos && log->back() == '\n') {
        return log->substr(tag + 3);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }

  v1::PodSandboxConfig pc_;
  std::string pod_;
  std::string tmpfs_;
};

v1::Mount* AddMount(v1::ContainerConfig* c, const std::string& host,
                    bool readonly, bool rro) {
  v1::Mount* m = c->add_mounts();
  m->set_host_path(host);
  m->set_container_path("/mnt");
  m->set_readonly(readonly);
  m->set_recursive_read_only(rro);
  return m;
}

TEST_F(FeaturesTest, StatusAdvertisesHandlersAndFeatures) {
  v1::StatusResponse st;
  ASSERT_TRUE(crispd_.client().Status(false, &st).ok());
  EXPECT_TRUE(st.features().supplemental_groups_policy());
  std::vector<std::string> names;
  for (const auto& h : st.runtime_handlers()) {
    names.push_back(h.name());
    EXPECT_EQ(h.features().recursive_read_only_mounts(),
              KernelHasMountSetattr())
        << "handler \"" << h.name() << "\"\n"
        << crispd_.Log();
    EXPECT_FALSE(h.features().user_namespaces());
  }
  EXPECT_THAT(names, ElementsAre("", "crisp"));
}

TEST_F(FeaturesTest, RecursiveReadOnlyMountCoversSubmounts) {
  CRISP_REQUIRE(KernelHasMountSetattr(), "the kernel lacks mount_setattr");
  std::string host = HostPathWithSubmount();
  std::string rro = Run("rro", "exec sleep 1000", [&](v1::ContainerConfig* c) {
    AddMount(c, host, true, true);
  });
  std::string ro = Run("ro", "exec sleep 1000", [&](v1::ContainerConfig* c) {
    AddMount(c, host, true, false);
  });
  v1::ExecSyncResponse r = Exec(rro, {"touch", "/mnt/tmpfs/f"});
  EXPECT_NE(r.exit_code(), 0);
  EXPECT_THAT(r.stderr(), HasSubstr("Read-only file system"));
  r = Exec(ro, {"touch", "/mnt/tmpfs/f"});
  EXPECT_EQ(r.exit_code(), 0)
      << "plain readonly leaves submounts writable: " << r.stderr();
  r = Exec(ro, {"touch", "/mnt/f"});
  EXPECT_THAT(r.stderr(), HasSubstr("Read-only file system"));
  EXPECT_EQ(access((tmpfs_ + "/f").c_str(), F_OK), 0);
}

TEST_F(FeaturesTest, RecursiveReadOnlyCombinationsAreRefused) {
  CRISP_REQUIRE(KernelHasMountSetattr(), "the kernel lacks mount_setattr");
  std::string host = HostPathWithSubmount();
  struct Case {
    const char* name;
    bool readonly;
    v1::MountPropagation propagation;
  } cases[] = {{"rw", false, v1::PROPAGATION_PRIVATE},
               {"slave", true, v1::PROPAGATION_HOST_TO_CONTAINER},
               {"shared", true, v1::PROPAGATION_BIDIRECTIONAL}};
  for (const Case& c : cases) {
    std::string id;
    grpc::Status s = TryCreate(
        c.name, "true",
        [&](v1::ContainerConfig* config) {
          AddMount(config, host, c.readonly, true)
              ->set_propagation(c.propagation);
        },
        &id);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("mounts[0]")) << c.name;
  }
  v1::ListContainersResponse list;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListContainers,
                        v1::ListContainersRequest(), &list)
                  .ok());
  EXPECT_EQ(list.containers_size(), 0) << "a refused create leaves nothing";
}

class GroupsTest : public FeaturesTest {
 protected:
  void SetUp() override {
    FeaturesTest::SetUp();
    if (!Ready()) return;
    image_ =
        LabRegistry() + "/k8s-staging-cri-tools/test-image-predefined-group";
    v1::PullImageResponse pulled;
    auto s = crispd_.client().PullImage(image_, &pulled);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // default-user (1000:1000) of the image, also listed in
  // group-defined-in-image (50000) of its /etc/group, with group 1234.
  std::string RunIdG(const std::string& name,
                     v1::SupplementalGroupsPolicy policy) {
    return Run(name, "id -G; exec sleep 1000", [&](v1::ContainerConfig* c) {
      auto* sc = c->mutable_linux()->mutable_security_context();
      sc->mutable_run_as_user()->set_value(1000);
      sc->add_supplemental_groups(1234);
      sc->set_supplemental_groups_policy(policy);
    });
  }
};

TEST_F(GroupsTest, MergeAddsTheImagesGroups) {
  std::string id = RunIdG("merge", v1::Merge);
  EXPECT_EQ(FirstLogLine("merge"), "1000 1234 50000\n");
  EXPECT_EQ(Exec(id, {"id", "-G"}).stdout(), "1000 1234 50000\n");
  // busybox's id prints the gid first whether or not it is a supplementary
  // group; the kernel's list is the one in effect.
  EXPECT_EQ(Exec(id, {"grep", "^Groups:", "/proc/self/status"}).stdout(),
            "Groups:\t1000 1234 50000 \n");
  v1::ContainerStatus st = StatusOf(id);
  ASSERT_TRUE(st.has_user());
  EXPECT_EQ(st.user().linux().uid(), 1000);
  EXPECT_EQ(st.user().linux().gid(), 1000);
  EXPECT_THAT(st.user().linux().supplemental_groups(),
              ElementsAre(1000, 50000, 1234));
}

TEST_F(GroupsTest, StrictKeepsOnlyTheRequestedGroups) {
  std::string id = RunIdG("strict", v1::Strict);
  EXPECT_EQ(FirstLogLine("strict"), "1000 1234\n");
  EXPECT_EQ(Exec(id, {"id", "-G"}).stdout(), "1000 1234\n");
  EXPECT_EQ(Exec(id, {"grep", "^Groups:", "/proc/self/status"}).stdout(),
            "Groups:\t1000 1234 \n");
  v1::ContainerStatus st = StatusOf(id);
  ASSERT_TRUE(st.has_user());
  EXPECT_EQ(st.user().linux().uid(), 1000);
  EXPECT_EQ(st.user().linux().gid(), 1000);
  EXPECT_THAT(st.user().linux().supplemental_groups(), ElementsAre(1000, 1234));
}

}  // namespace
}  // namespace crisp::testing
