// Recursive read-only binds ("rro"): a submount of the source is read-only
// inside too, where a plain "ro" bind leaves it writable; and
// `crisp-runtime features` offers "rro" only where its probe saw it work,
// leaving nothing mounted on the host.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;

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

// Mount points the probe uses (runtime/linux/mount_probe.cc), as this mount
// namespace sees them; other tests may mount elsewhere meanwhile.
int ProbeMountsOnHost() {
  auto info = ReadFile("/proc/self/mountinfo");
  if (!info.ok()) return -1;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(*info, '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    if (f.size() > 4 &&
        (f[4] == "/tmp" || absl::StartsWith(f[4], "/tmp/tree") ||
         absl::StartsWith(f[4], "/tmp/view"))) {
      ++n;
    }
  }
  return n;
}

class RecursiveReadOnlyTest : public RuntimeTest {
 protected:
  void TearDown() override {
    if (!sub_.empty()) umount2(sub_.c_str(), MNT_DETACH);
    RuntimeTest::TearDown();
  }

  // <tmp>/host with a tmpfs at <tmp>/host/sub.
  std::string HostWithSubmount() {
    std::string host = tmp_ + "/host";
    sub_ = host + "/sub";
    EXPECT_TRUE(MakeDirs(sub_, 0755).ok());
    EXPECT_EQ(mount("none", sub_.c_str(), "tmpfs", 0, "size=1m"), 0);
    return host;
  }

  std::string sub_;
};

TEST_F(RecursiveReadOnlyTest, SubmountsAreReadOnlyOnlyWithRro) {
  if (!KernelHasMountSetattr()) GTEST_SKIP() << "no mount_setattr";
  std::string host = HostWithSubmount();
  const char* cmd =
      "touch /data/sub/x && echo sub-rw || echo sub-ro; "
      "touch /data/x && echo top-rw || echo top-ro";
  oci::Spec rro = BaseSpec({"sh", "-c", cmd});
  rro.mounts.push_back({"/data", "bind", host, {"rbind", "rro"}});
  auto r = RunContainer(Id("rro"), rro);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sub-ro"));
  EXPECT_THAT(r.out, HasSubstr("top-ro"));

  oci::Spec ro = BaseSpec({"sh", "-c", cmd});
  ro.mounts.push_back({"/data", "bind", host, {"rbind", "ro"}});
  r = RunContainer(Id("ro"), ro);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sub-rw"));
  EXPECT_THAT(r.out, HasSubstr("top-ro"));
  struct stat st;
  EXPECT_EQ(stat((sub_ + "/x").c_str(), &st), 0);
}

TEST_F(RecursiveReadOnlyTest, FeaturesOfferRroAsMeasured) {
  int before = ProbeMountsOnHost();
  ASSERT_GE(before, 0);
  auto r = Runtime({"features"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  auto options = j.value("mountOptions", std::vector<std::string>{});
  bool listed =
      std::find(options.begin(), options.end(), "rro") != options.end();
  std::string note = j["annotations"].value("org.crisp.mount.rro", "");
  EXPECT_EQ(listed, KernelHasMountSetattr()) << note;
  if (listed) {
    EXPECT_EQ(note, "ok");
  } else {
    EXPECT_THAT(note, HasSubstr("kernel"));
  }
  EXPECT_EQ(ProbeMountsOnHost(), before) << "the probe left a mount here";
}

}  // namespace
}  // namespace crisp::runtime::testing
