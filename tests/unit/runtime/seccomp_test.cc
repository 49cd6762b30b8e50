// The compiled program is run through a small classic-BPF interpreter over
// made-up seccomp_data, so the filter's behaviour is checked without root
// and without loading it.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <cstring>

#include "gtest/gtest.h"
#include "runtime/linux/seccomp.h"

namespace crisp::runtime::seccomp {
namespace {

uint32_t RunBpf(const std::vector<sock_filter>& prog, const seccomp_data& d) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(&d);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        std::memcpy(&a, bytes + f.k, 4);
        break;
      case BPF_LD | BPF_MEM:
        a = mem[f.k];
        break;
      case BPF_LDX | BPF_MEM:
        x = mem[f.k];
        break;
      case BPF_ST:
        mem[f.k] = a;
        break;
      case BPF_STX:
        mem[f.k] = x;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a &= f.k;
        break;
      case BPF_MISC | BPF_TAX:
        x = a;
        break;
      case BPF_MISC | BPF_TXA:
        a = x;
        break;
      case BPF_JMP | BPF_JA:
        pc += f.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += (a == f.k) ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += (a > f.k) ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += (a >= f.k) ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (a & f.k) ? f.jt : f.jf;
        break;
      case BPF_RET | BPF_K:
        return f.k;
      case BPF_RET | BPF_A:
        return a;
      default:
        ADD_FAILURE() << "opcode 0x" << std::hex << f.code << " not modelled";
        return 0;
    }
  }
  ADD_FAILURE() << "fell off the program";
  return 0;
}

seccomp_data Call(int nr, uint64_t arg0 = 0) {
  seccomp_data d = {};
  d.nr = nr;
  d.arch = AUDIT_ARCH_X86_64;
  d.args[0] = arg0;
  return d;
}

oci::Seccomp Profile() {
  oci::Seccomp p;
  p.default_action = "SCMP_ACT_ALLOW";
  p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_BOGUS"};
  oci::SeccompSyscall deny;
  deny.names = {"mkdir", "mkdirat", "no_such_syscall"};
  deny.action = "SCMP_ACT_ERRNO";
  deny.errno_ret = EPERM;
  oci::SeccompSyscall personality;
  personality.names = {"personality"};
  personality.action = "SCMP_ACT_KILL_PROCESS";
  personality.args = {{0, 0xffffffff, 0, "SCMP_CMP_EQ"}};
  p.syscalls = {deny, personality};
  return p;
}

TEST(SeccompTest, CompiledProgramDoesWhatTheProfileSays) {
  auto prog = Compile(Profile());
  ASSERT_TRUE(prog.ok()) << prog.status();
  const auto& f = (*prog)->filter;
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(RunBpf(f, Call(SYS_mkdir)), SECCOMP_RET_ERRNO | EPERM);
  EXPECT_EQ(RunBpf(f, Call(SYS_mkdirat)), SECCOMP_RET_ERRNO | EPERM);
  EXPECT_EQ(RunBpf(f, Call(SYS_getpid)), SECCOMP_RET_ALLOW);
  EXPECT_EQ(RunBpf(f, Call(SYS_personality, 0xffffffff)),
            SECCOMP_RET_KILL_PROCESS);
  EXPECT_EQ(RunBpf(f, Call(SYS_personality, 0)), SECCOMP_RET_ALLOW);
}

TEST(SeccompTest, DefaultErrnoAndAllowList) {
  oci::Seccomp p;
  p.default_action = "SCMP_ACT_ERRNO";
  p.default_errno_ret = ENOSYS;
  oci::SeccompSyscall allow;
  allow.names = {"read", "write", "exit_group"};
  allow.action = "SCMP_ACT_ALLOW";
  p.syscalls = {allow};
  p.flags = {"SECCOMP_FILTER_FLAG_LOG"};
  auto prog = Compile(p);
  ASSERT_TRUE(prog.ok()) << prog.status();
  EXPECT_EQ((*prog)->flags, static_cast<unsigned>(SECCOMP_FILTER_FLAG_LOG));
  EXPECT_EQ(RunBpf((*prog)->filter, Call(SYS_write)), SECCOMP_RET_ALLOW);
  EXPECT_EQ(RunBpf((*prog)->filter, Call(SYS_open)),
            SECCOMP_RET_ERRNO | ENOSYS);
}

TEST(SeccompTest, CachedByContent) {
  auto a = Compile(Profile());
  auto b = Compile(Profile());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ((*a)->hash.size(), 16u);
}

TEST(SeccompTest, BadActionsOperatorsAndFlagsAreErrors) {
  oci::Seccomp p = Profile();
  p.syscalls[0].action = "SCMP_ACT_SOMETIMES";
  auto bad = Compile(p);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syscalls[0].action"),
            std::string::npos);
  p = Profile();
  p.syscalls[1].args[0].op = "SCMP_CMP_ALMOST";
  EXPECT_FALSE(Compile(p).ok());
  p = Profile();
  p.flags = {"SECCOMP_FILTER_FLAG_NOPE"};
  EXPECT_FALSE(Compile(p).ok());
}

}  // namespace
}  // namespace crisp::runtime::seccomp
