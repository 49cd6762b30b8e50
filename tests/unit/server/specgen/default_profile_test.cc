// The default profile: its capability-conditional rules, and the program
// libseccomp compiles from it run over made-up system calls.
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>

#include "gtest/gtest.h"
#include "runtime/linux/seccomp.h"
#include "seccomp_bpf.h"
#include "server/specgen/seccomp_default.h"

namespace crisp::server::specgen {
namespace {

using Strings = std::vector<std::string>;

const Strings kDefaultCaps = {"CAP_CHOWN", "CAP_SETUID", "CAP_SYS_CHROOT"};

bool Allows(const runtime::oci::Seccomp& p, const std::string& name) {
  for (const auto& s : p.syscalls) {
    if (s.action == "SCMP_ACT_ALLOW" &&
        std::find(s.names.begin(), s.names.end(), name) != s.names.end()) {
      return true;
    }
  }
  return false;
}

TEST(DefaultProfileTest, CapabilityConditionalRules) {
  auto plain = DefaultSeccompProfile(kDefaultCaps);
  EXPECT_FALSE(Allows(plain, "mount"));
  EXPECT_FALSE(Allows(plain, "reboot"));
  EXPECT_FALSE(Allows(plain, "kcmp"));
  EXPECT_TRUE(Allows(plain, "chroot"));  // CAP_SYS_CHROOT is held
  EXPECT_TRUE(Allows(plain, "clone"));   // with the namespace-flag rule
  auto admin = DefaultSeccompProfile({"CAP_SYS_ADMIN", "CAP_SYS_PTRACE"});
  EXPECT_TRUE(Allows(admin, "mount"));
  EXPECT_TRUE(Allows(admin, "clone3"));
  EXPECT_TRUE(Allows(admin, "kcmp"));
  EXPECT_FALSE(Allows(admin, "chroot"));
  for (const auto& s : admin.syscalls) {
    EXPECT_TRUE(s.args.empty() || s.names[0] != "clone");
  }
}

class DefaultProfileBpfTest : public ::testing::Test {
 protected:
  void SetUp() override {
#if !defined(__x86_64__)
    GTEST_SKIP() << "system call numbers below are x86_64's";
#endif
    auto prog = runtime::seccomp::Compile(DefaultSeccompProfile(kDefaultCaps));
    ASSERT_TRUE(prog.ok()) << prog.status();
    program_ = *prog;
  }
  uint32_t Run(int nr, uint64_t arg0 = 0) {
    return testing_bpf::Run(program_->filter, nr, arg0);
  }
  std::shared_ptr<const runtime::seccomp::Program> program_;
};

TEST_F(DefaultProfileBpfTest, BusyboxToolsRun) {
  // sh, ls, cat, sleep, echo, wget and nc between them.
  for (int nr : {SYS_execve,
                 SYS_brk,
                 SYS_arch_prctl,
                 SYS_set_tid_address,
                 SYS_getpid,
                 SYS_getppid,
                 SYS_getuid,
                 SYS_geteuid,
                 SYS_rt_sigaction,
                 SYS_rt_sigprocmask,
                 SYS_rt_sigreturn,
                 SYS_fork,
                 SYS_vfork,
                 SYS_wait4,
                 SYS_open,
                 SYS_openat,
                 SYS_read,
                 SYS_write,
                 SYS_writev,
                 SYS_close,
                 SYS_fstat,
                 SYS_newfstatat,
                 SYS_stat,
                 SYS_lstat,
                 SYS_statx,
                 SYS_getdents64,
                 SYS_ioctl,
                 SYS_fcntl,
                 SYS_dup2,
                 SYS_pipe2,
                 SYS_lseek,
                 SYS_mmap,
                 SYS_munmap,
                 SYS_mprotect,
                 SYS_uname,
                 SYS_getcwd,
                 SYS_chdir,
                 SYS_nanosleep,
                 SYS_clock_nanosleep,
                 SYS_clock_gettime,
                 SYS_connect,
                 SYS_sendto,
                 SYS_recvfrom,
                 SYS_poll,
                 SYS_select,
                 SYS_setsockopt,
                 SYS_getsockopt,
                 SYS_bind,
                 SYS_listen,
                 SYS_accept,
                 SYS_getsockname,
                 SYS_exit_group,
                 SYS_kill,
                 SYS_readlink,
                 SYS_access,
                 SYS_umask,
                 SYS_setsid,
                 SYS_setpgid,
                 SYS_prlimit64,
                 SYS_sysinfo,
                 SYS_getrandom,
                 SYS_futex,
                 SYS_sendfile,
                 SYS_rseq,
                 SYS_setresuid,
                 SYS_setgroups,
                 SYS_capset,
                 SYS_prctl,
                 SYS_close_range}) {
    EXPECT_EQ(Run(nr), SECCOMP_RET_ALLOW) << "syscall " << nr;
  }
  EXPECT_EQ(Run(SYS_clone, SIGCHLD), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_socket, AF_INET), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_socket, AF_INET6), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_socket, AF_UNIX), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_socket, AF_NETLINK), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_personality, 0xffffffff), SECCOMP_RET_ALLOW);
}

TEST_F(DefaultProfileBpfTest, DeniedCallsGetEperm) {
  constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
  EXPECT_EQ(Run(SYS_mount), kEperm);
  EXPECT_EQ(Run(SYS_unshare), kEperm);
  EXPECT_EQ(Run(SYS_setns), kEperm);
  EXPECT_EQ(Run(SYS_reboot), kEperm);
  EXPECT_EQ(Run(SYS_init_module), kEperm);
  EXPECT_EQ(Run(SYS_kexec_load), kEperm);
  EXPECT_EQ(Run(SYS_io_uring_setup), kEperm);
  EXPECT_EQ(Run(SYS_clone, CLONE_NEWNS | SIGCHLD), kEperm);
  EXPECT_EQ(Run(SYS_clone, CLONE_NEWUSER), kEperm);
  EXPECT_EQ(Run(SYS_clone3), SECCOMP_RET_ERRNO | ENOSYS);
  EXPECT_EQ(Run(SYS_personality, 0x0040000), kEperm);  // ADDR_NO_RANDOMIZE
  EXPECT_EQ(Run(SYS_socket, AF_ALG), kEperm);
  EXPECT_EQ(Run(SYS_socket, AF_VSOCK), kEperm);
  EXPECT_EQ(Run(SYS_socket, AF_ALG + 1), SECCOMP_RET_ALLOW);
  EXPECT_EQ(Run(SYS_socket, AF_VSOCK + 4), SECCOMP_RET_ALLOW);
}

}  // namespace
}  // namespace crisp::server::specgen
