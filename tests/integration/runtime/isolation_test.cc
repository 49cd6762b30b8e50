// A container sees its own namespaces, hostname, mounts, masked and
// read-only paths, user, capabilities, no_new_privs and seccomp filter.
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using IsolationTest = RuntimeTest;

std::string HostNs(const char* name) {
  char buf[256] = {};
  ssize_t n = readlink(absl::StrCat("/proc/self/ns/", name).c_str(), buf,
                       sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : "";
}

TEST_F(IsolationTest, NamespacesAreIsolatedAndHostnameSet) {
  auto r = RunContainer(
      Id("ns"), BaseSpec({"sh", "-c",
                          "echo pid=$$; hostname; for n in pid net ipc uts "
                          "mnt cgroup; do readlink /proc/self/ns/$n; done"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("pid=1\n"));
  EXPECT_THAT(r.out, HasSubstr("crisp-test\n"));
  for (const char* ns : {"pid", "net", "ipc", "uts", "mnt", "cgroup"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(HostNs(ns)))) << ns;
  }
}

TEST_F(IsolationTest, StandardMountsMaskedAndReadonlyPaths) {
  auto r = RunContainer(
      Id("mounts"),
      BaseSpec({"sh", "-c",
                "cat /proc/mounts; echo keys=$(wc -c < /proc/keys); "
                "ls /sys/firmware | wc -l; "
                "echo 1 > /proc/sys/kernel/domainname || echo sys-ro; "
                "ls -l /dev/null /dev/ptmx; touch /rootfile || echo root-ro; "
                "touch /tmp/ok && echo tmp-rw"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* m :
       {" /proc proc", " /dev tmpfs", " /dev/pts devpts", " /dev/shm tmpfs",
        " /dev/mqueue mqueue", " /sys sysfs ro"}) {
    EXPECT_THAT(r.out, HasSubstr(m));
  }
  EXPECT_THAT(r.out, HasSubstr("keys=0"));
  EXPECT_THAT(r.out, HasSubstr("sys-ro"));
  EXPECT_THAT(r.out, HasSubstr("root-ro"));
  EXPECT_THAT(r.out, HasSubstr("tmp-rw"));
  EXPECT_THAT(r.out, HasSubstr("crw-rw-rw-"));
  EXPECT_THAT(r.out, HasSubstr("/dev/ptmx -> pts/ptmx"));
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
}

TEST_F(IsolationTest, UserGroupsCapabilitiesAndNoNewPrivs) {
  oci::Spec s = BaseSpec({"sh", "-c",
                          "id; grep -E 'Cap|NoNewPrivs' "
                          "/proc/self/status; umask"});
  s.process->user = {1000, 1001, 027, {10, 20}};
  // A non-root process keeps across execve only its ambient capabilities.
  s.process->capabilities->inheritable = {"CAP_KILL"};
  s.process->capabilities->ambient = {"CAP_KILL"};
  auto r = RunContainer(Id("user"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("uid=1000 gid=1001"));
  EXPECT_THAT(r.out, HasSubstr("groups=10"));
  EXPECT_THAT(r.out, HasSubstr(",20"));
  EXPECT_THAT(r.out, HasSubstr("CapEff:\t0000000000000020"));
  EXPECT_THAT(r.out, HasSubstr("CapBnd:\t0000000020000420"));
  EXPECT_THAT(r.out, HasSubstr("NoNewPrivs:\t1"));
  EXPECT_THAT(r.out, HasSubstr("0027"));
}

TEST_F(IsolationTest, RootGetsExactlyTheBoundingSet) {
  auto r = RunContainer(Id("rootcaps"),
                        BaseSpec({"grep", "Cap", "/proc/self/status"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("CapEff:\t0000000020000420"));
  EXPECT_THAT(r.out, HasSubstr("CapBnd:\t0000000020000420"));
}

TEST_F(IsolationTest, NoCapabilitiesMeansCapEffZero) {
  oci::Spec s = BaseSpec({"grep", "Cap", "/proc/self/status"});
  s.process->capabilities = oci::Capabilities{};
  auto r = RunContainer(Id("nocaps"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("CapEff:\t0000000000000000"));
  EXPECT_THAT(r.out, HasSubstr("CapBnd:\t0000000000000000"));
}

TEST_F(IsolationTest, SeccompRuleReturnsEperm) {
  oci::Spec s = BaseSpec({"sh", "-c",
                          "mkdir /tmp/d && echo made; "
                          "echo still-running"});
  oci::Seccomp sc;
  sc.default_action = "SCMP_ACT_ALLOW";
  sc.architectures = {"SCMP_ARCH_X86_64"};
  oci::SeccompSyscall rule;
  rule.names = {"mkdir", "mkdirat"};
  rule.action = "SCMP_ACT_ERRNO";
  rule.errno_ret = 1;  // EPERM
  sc.syscalls = {rule};
  s.linux->seccomp = sc;
  auto r = RunContainer(Id("seccomp"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("made")));
  EXPECT_THAT(r.out, HasSubstr("still-running"));
  EXPECT_THAT(r.err, HasSubstr("Operation not permitted"));
}

TEST_F(IsolationTest, SeccompWithoutNoNewPrivsIsLoadedEarly) {
  oci::Spec s = BaseSpec({"sh", "-c", "mkdir /tmp/d || echo denied"});
  s.process->no_new_privileges = false;
  oci::Seccomp sc;
  sc.default_action = "SCMP_ACT_ALLOW";
  oci::SeccompSyscall rule;
  rule.names = {"mkdir", "mkdirat"};
  rule.action = "SCMP_ACT_ERRNO";
  sc.syscalls = {rule};
  s.linux->seccomp = sc;
  auto r = RunContainer(Id("seccomp2"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("denied"));
}

TEST_F(IsolationTest, RlimitsSysctlAndOomScoreAdjClamp) {
  oci::Spec s = BaseSpec({"sh", "-c",
                          "ulimit -n; cat /proc/self/oom_score_adj;"
                          " cat /proc/sys/kernel/shmmni"});
  s.process->rlimits = {{"RLIMIT_NOFILE", 321, 123}};
  s.process->oom_score_adj = -500;  // this node refuses negative values
  s.linux->sysctl["kernel.shmmni"] = "2048";
  auto r = RunContainer(Id("limits"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("123\n"));
  EXPECT_THAT(r.out, HasSubstr("2048\n"));
  int adj = 1000;
  std::string second = r.out.substr(r.out.find('\n') + 1);
  adj = std::stoi(second);
  EXPECT_GE(adj, -500);
  EXPECT_LE(adj, 0);
}

TEST_F(IsolationTest, UserNamespaceWithMappings) {
  oci::Spec s = BaseSpec({"sh", "-c", "id -u; cat /proc/self/uid_map"});
  s.linux->namespaces.push_back({"user", ""});
  s.linux->uid_mappings = {{0, 100000, 65536}};
  s.linux->gid_mappings = {{0, 100000, 65536}};
  s.root->readonly = false;
  auto r = RunContainer(Id("userns"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0\n"));
  EXPECT_THAT(r.out, HasSubstr("100000"));
}

TEST_F(IsolationTest, DevicesAndRecursiveReadonlyBinds) {
  std::string host = tmp_ + "/shared";
  ASSERT_EQ(mkdir(host.c_str(), 0755), 0);
  oci::Spec s = BaseSpec({"sh", "-c",
                          "head -c 4 /dev/myfull | wc -c; "
                          "touch /data/x || echo data-ro; "
                          "ls -l /dev/myfull"});
  oci::Device full;
  full.type = "c";
  full.path = "/dev/myfull";
  full.major = 1;
  full.minor = 7;
  full.file_mode = 0640;
  s.linux->devices = {full};
  s.mounts.push_back({"/data", "bind", host, {"rbind", "rro"}});
  auto r = RunContainer(Id("devices"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("4\n"));
  EXPECT_THAT(r.out, HasSubstr("data-ro"));
  EXPECT_THAT(r.out, HasSubstr("crw-r-----"));
}

TEST_F(IsolationTest, SymlinkedMountDestinationStaysInsideRootfs) {
  // /escape -> / on the host would be followed by a naive runtime; inside
  // the rootfs it resolves to the rootfs's own /.
  ASSERT_EQ(symlink("/../../../../tmp", (rootfs_ + "/escape").c_str()), 0);
  oci::Spec s = BaseSpec({"sh", "-c", "ls /tmp/inside && echo ok"});
  s.root->readonly = false;
  s.mounts.push_back({"/escape/inside", "tmpfs", "tmpfs", {}});
  auto r = RunContainer(Id("symlink"), s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  struct stat st;
  EXPECT_NE(stat("/tmp/inside", &st), 0) << "mount escaped the rootfs";
}

}  // namespace
}  // namespace crisp::runtime::testing
