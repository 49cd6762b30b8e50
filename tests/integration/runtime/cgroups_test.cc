// Resource limits enforced by the cgroup (memory with OOM reported, pids),
// stats that move under load, and update of a running container.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "runtime/cgroups/device_filter.h"
#include "runtime/cgroups/layout.h"
#include "runtime/linux/container.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;

using CgroupsTest = RuntimeTest;

TEST_F(CgroupsTest, PidsLimitIsEnforced) {
  oci::Spec s = BaseSpec({"sh", "-c",
                          "for i in 1 2 3 4 5 6 7 8 9 10; do "
                          "sleep 2 & done; wait; echo end"});
  s.linux->resources->pids = oci::Pids{4};
  auto r = RunContainer(Id("pids"), s);
  EXPECT_THAT(r.err, HasSubstr("fork"));
}

TEST_F(CgroupsTest, StatsMoveUnderLoadAndUpdateApplies) {
  std::string id = Id("stats");
  std::string bundle =
      WriteBundle(id, BaseSpec({"sh", "-c", "while :; do :; done"}));
  ASSERT_EQ(Runtime({"create", "--bundle", bundle, id}).exit_code, 0);
  ASSERT_EQ(Runtime({"start", id}).exit_code, 0);
  auto first = runtime::ReadStats(StateDir(id));
  ASSERT_TRUE(first.ok()) << first.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto second = runtime::ReadStats(StateDir(id));
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->cpu_usage_ns, first->cpu_usage_ns + 50 * 1000 * 1000);
  EXPECT_GT(second->memory_usage, 0u);
  EXPECT_EQ(second->pids, 1u);
  auto r = Runtime({"update", "--pids-limit", "7", "--memory", "50000000", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      *ReadFile(absl::StrCat("/sys/fs/cgroup/pids/crisp/", id, "/pids.max")),
      "7\n");
  EXPECT_EQ(*ReadFile(absl::StrCat("/sys/fs/cgroup/memory/crisp/", id,
                                   "/memory.limit_in_bytes")),
            "49999872\n");  // rounded down to pages
  EXPECT_EQ(Runtime({"delete", "--force", id}).exit_code, 0);
}

// The cgroup v2 device program, on this node's unified hierarchy (the
// kernel runs cgroup2 device programs on hybrid nodes too).
TEST_F(CgroupsTest, V2DeviceFilterIsEnforced) {
  auto layout = cgroups::DetectLayout();
  ASSERT_TRUE(layout.ok());
  if (layout->unified_mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  std::string dir =
      absl::StrCat(layout->unified_mount, "/crisp-devtest-", getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  oci::DeviceRule deny, zero;
  deny.access = "rwm";
  zero.allow = true;
  zero.type = "c";
  zero.major = 1;
  zero.minor = 5;
  zero.access = "rw";
  absl::Status st = cgroups::AttachDeviceFilter(dir, {deny, zero});
  if (!st.ok()) {
    rmdir(dir.c_str());
    FAIL() << st;
  }
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(10);
    close(fd);
    if (open("/dev/zero", O_RDONLY) < 0) _exit(11);
    if (open("/dev/null", O_RDONLY) >= 0) _exit(12);
    _exit(errno == EPERM ? 0 : 13);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  rmdir(dir.c_str());
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace crisp::runtime::testing
