// Pinned pod namespaces: created with loopback up, hostname and sysctls,
// joinable by path, and gone after unpinning or a failed pin.
#include "sandbox/pinned_namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gtest/gtest.h"
#include "tests/support/requirement.h"

namespace crisp::sandbox {
namespace {

// Output of `cmd` run by sh inside the namespace pinned at `path`.
std::string RunIn(const std::string& path, int nstype, const std::string& cmd) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, nstype) != 0) _exit(99);
    dup2(fds[1], 1);
    execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
    _exit(98);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out += absl::StrCat("[exit ", WEXITSTATUS(status), "]");
  }
  return out;
}

bool IsMountPoint(const std::string& path) {
  auto text = ReadFile("/proc/self/mountinfo");
  return text.ok() && text->find(" " + path + " ") != std::string::npos;
}

class PinnedNamespacesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(geteuid() == 0, "pinning namespaces needs root");
    char tmpl[] = "/tmp/crisp-pin-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    (void)UnpinNamespaces(pinned_);
    if (!dir_.empty()) (void)RemoveAll(dir_);
  }
  std::string dir_;
  PinnedNamespaces pinned_;
};

TEST_F(PinnedNamespacesTest, CreatesConfiguresAndPins) {
  PinRequest r{dir_,
               "pod1",
               true,
               true,
               true,
               "web-0",
               {{"net.ipv4.ip_unprivileged_port_start", "80"},
                {"kernel.shm_rmid_forced", "1"}}};
  auto pinned = PinNamespaces(r);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  pinned_ = *pinned;
  EXPECT_EQ(pinned_.net, dir_ + "/net/pod1");
  EXPECT_TRUE(IsMountPoint(pinned_.net));
  EXPECT_EQ(RunIn(pinned_.uts, CLONE_NEWUTS, "hostname"), "web-0\n");
  EXPECT_EQ(RunIn(pinned_.net, CLONE_NEWNET,
                  "cat /proc/sys/net/ipv4/ip_unprivileged_port_start; "
                  "ip -o link | wc -l; ip -o link show up | grep -c ' lo:'"),
            "80\n1\n1\n");
  EXPECT_EQ(
      RunIn(pinned_.ipc, CLONE_NEWIPC, "cat /proc/sys/kernel/shm_rmid_forced"),
      "1\n");
  // The node keeps its own values.
  EXPECT_NE(*ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"), "80\n");

  ASSERT_TRUE(UnpinNamespaces(pinned_).ok());
  ASSERT_TRUE(UnpinNamespaces(pinned_).ok()) << "repeatable";
  struct stat st;
  EXPECT_NE(stat(pinned_.net.c_str(), &st), 0);
  EXPECT_FALSE(IsMountPoint(pinned_.net));
}

TEST_F(PinnedNamespacesTest, HostNamespacesAreNotPinned) {
  PinRequest r{dir_, "pod2", false, true, false, "", {}};
  auto pinned = PinNamespaces(r);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  pinned_ = *pinned;
  EXPECT_TRUE(pinned_.net.empty());
  EXPECT_TRUE(pinned_.uts.empty());
  EXPECT_FALSE(pinned_.ipc.empty());
}

TEST_F(PinnedNamespacesTest, FailedPinLeavesNothing) {
  PinRequest r{dir_,
               "pod3",
               true,
               true,
               true,
               "x",
               {{"net.ipv4.ip_unprivileged_port_start", "not-a-number"}}};
  auto pinned = PinNamespaces(r);
  ASSERT_FALSE(pinned.ok());
  EXPECT_NE(pinned.status().message().find("write sysctl"), std::string::npos)
      << pinned.status();
  struct stat st;
  for (const char* kind : {"net", "ipc", "uts"}) {
    EXPECT_NE(stat(absl::StrCat(dir_, "/", kind, "/pod3").c_str(), &st), 0);
  }
  EXPECT_FALSE(
      PinNamespaces(
          {dir_, "pod4", true, true, true, "", {{"vm.swappiness", "1"}}})
          .ok());
  EXPECT_FALSE(PinNamespaces({dir_, "../x", true, true, true, "", {}}).ok());
}

}  // namespace
}  // namespace crisp::sandbox
