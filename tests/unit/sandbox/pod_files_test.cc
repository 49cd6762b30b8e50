#include "sandbox/pod_files.h"

#include <stdlib.h>

#include "common/files.h"
#include "gtest/gtest.h"
#include "sandbox/pinned_namespaces.h"

namespace crisp::sandbox {
namespace {

class PodFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-podfiles-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string dir_;
};

TEST_F(PodFilesTest, ResolvConfFromDnsConfig) {
  DnsConfig dns{{"10.0.0.10", "8.8.8.8"},
                {"ns.svc.cluster.local", "cluster.local"},
                {"ndots:5"}};
  ASSERT_TRUE(WriteResolvConf(dir_ + "/resolv.conf", dns, "/nonexistent").ok());
  EXPECT_EQ(*ReadFile(dir_ + "/resolv.conf"),
            "search ns.svc.cluster.local cluster.local\n"
            "nameserver 10.0.0.10\nnameserver 8.8.8.8\noptions ndots:5\n");
}

TEST_F(PodFilesTest, EmptyDnsConfigCopiesTheNodeFile) {
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/host", "nameserver 1.2.3.4\n").ok());
  ASSERT_TRUE(WriteResolvConf(dir_ + "/resolv.conf", {}, dir_ + "/host").ok());
  EXPECT_EQ(*ReadFile(dir_ + "/resolv.conf"), "nameserver 1.2.3.4\n");
}

TEST_F(PodFilesTest, MultiLineDnsValuesAreRefused) {
  DnsConfig dns{{"1.1.1.1\nnameserver 6.6.6.6"}, {}, {}};
  auto s = WriteResolvConf(dir_ + "/resolv.conf", dns, "/nonexistent");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ReadFile(dir_ + "/resolv.conf").ok()) << "nothing written";
}

TEST_F(PodFilesTest, HostnameAndHosts) {
  ASSERT_TRUE(WriteHostname(dir_ + "/hostname", "web-0").ok());
  EXPECT_EQ(*ReadFile(dir_ + "/hostname"), "web-0\n");
  ASSERT_TRUE(WriteHosts(dir_ + "/hosts", "/nonexistent").ok());
  EXPECT_NE(ReadFile(dir_ + "/hosts")->find("127.0.0.1\tlocalhost"),
            std::string::npos);
}

TEST(SysctlTest, OnlyNamespacedSysctlsOfOwnedNamespaces) {
  EXPECT_TRUE(ValidateSysctl("net.ipv4.ip_forward", true, false).ok());
  EXPECT_TRUE(ValidateSysctl("kernel.shm_rmid_forced", false, true).ok());
  EXPECT_TRUE(ValidateSysctl("kernel.sem", false, true).ok());
  EXPECT_TRUE(ValidateSysctl("fs.mqueue.msg_max", false, true).ok());
  EXPECT_FALSE(ValidateSysctl("net.ipv4.ip_forward", false, true).ok());
  EXPECT_FALSE(ValidateSysctl("kernel.shmmax", true, false).ok());
  EXPECT_FALSE(ValidateSysctl("vm.swappiness", true, true).ok());
  EXPECT_FALSE(ValidateSysctl("kernel.hostname", true, true).ok());
  EXPECT_FALSE(ValidateSysctl("net/../../kernel/x", true, true).ok());
}

}  // namespace
}  // namespace crisp::sandbox
