// rootfsPropagation on a node whose mounts are shared (systemd makes / and
// /run shared): every value gives the container's / the asked-for
// propagation, and nothing the container mounts shows up on the host.
#include <sys/mount.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "runtime/linux/mountinfo.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Host mounts at or under `dir`.
int HostMountsUnder(const std::string& dir) {
  auto text = ReadFile("/proc/self/mountinfo");
  if (!text.ok()) return -1;
  int n = 0;
  for (const auto& m : mountinfo::Parse(*text)) {
    if (m.mount_point == dir || m.mount_point.rfind(dir + "/", 0) == 0) ++n;
  }
  return n;
}

struct Case {
  const char* propagation;
  const char* expected;  // in the optional fields of the container's /
};

// The test's temp dir (holding the rootfs) becomes a shared mount of its
// own, as the rootfs of a pod is on a systemd node.
class PropagationTest : public RuntimeTest,
                        public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(mount(tmp_.c_str(), tmp_.c_str(), nullptr, MS_BIND, nullptr), 0)
        << "bind " << tmp_;
    mounted_ = true;
    ASSERT_EQ(mount(nullptr, tmp_.c_str(), nullptr, MS_SHARED, nullptr), 0);
  }
  void TearDown() override {
    if (mounted_) {
      EXPECT_EQ(HostMountsUnder(tmp_), 1) << "a container mount leaked";
      EXPECT_EQ(umount2(tmp_.c_str(), MNT_DETACH), 0);
      EXPECT_EQ(HostMountsUnder(tmp_), 0);
    }
    RuntimeTest::TearDown();
  }
  bool mounted_ = false;
};

TEST_P(PropagationTest, RootGetsThePropagationAndNothingLeaksToTheHost) {
  const Case& c = GetParam();
  oci::Spec s = BaseSpec({"awk", "$5 == \"/\"", "/proc/self/mountinfo"});
  s.linux->rootfs_propagation = c.propagation;
  auto r = RunContainer(Id("prop"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (std::string(c.expected).empty()) {
    EXPECT_THAT(r.out, Not(HasSubstr("shared:")));
    EXPECT_THAT(r.out, Not(HasSubstr("master:")));
  } else {
    EXPECT_THAT(r.out, HasSubstr(c.expected));
  }
  EXPECT_EQ(HostMountsUnder(tmp_), 1) << "a container mount leaked";
}

INSTANTIATE_TEST_SUITE_P(
    AllValues, PropagationTest,
    ::testing::Values(Case{"", " master:"}, Case{"rslave", " master:"},
                      Case{"slave", " master:"}, Case{"private", ""},
                      Case{"rprivate", ""}, Case{"shared", " shared:"},
                      Case{"rshared", " shared:"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string p = info.param.propagation;
      return p.empty() ? std::string("Default") : p;
    });

// A systemd node: "/" itself is shared and holds the rootfs. crisp-runtime
// runs in a mount namespace of its own where "/" is made rshared, so the
// host is not touched.
TEST_F(RuntimeTest, RootfsOnASharedRootMountStartsForEveryPropagation) {
  for (const char* p : {"", "rslave", "private", "rshared"}) {
    std::string id = Id(absl::StrCat("sharedroot", p));
    oci::Spec s = BaseSpec({"true"});
    s.linux->rootfs_propagation = p;
    std::string bundle = WriteBundle(id, s);
    auto r = RunCommand(
        {"/usr/bin/unshare", "-m", "--propagation", "unchanged", "/bin/sh",
         "-c", "mount --make-rshared / && exec \"$0\" \"$@\"",
         CRISP_RUNTIME_BIN, "--root", root_, "run", "--bundle", bundle, id});
    EXPECT_EQ(r.exit_code, 0) << "rootfsPropagation " << p << ": " << r.err;
  }
}

}  // namespace
}  // namespace crisp::runtime::testing
