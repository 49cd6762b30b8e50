// The cgroup v2 device program, run through a small eBPF interpreter over
// made-up bpf_cgroup_dev_ctx values.
#include <linux/bpf.h>

#include <cstring>

#include "gtest/gtest.h"
#include "runtime/cgroups/device_filter.h"

namespace crisp::runtime::cgroups {
namespace {

int RunEbpf(const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access,
            uint32_t major, uint32_t minor) {
  bpf_cgroup_dev_ctx ctx = {(access << 16) | type, major, minor};
  uint64_t r[11] = {};
  r[1] = reinterpret_cast<uint64_t>(&ctx);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const bpf_insn& i = prog[pc];
    switch (i.code) {
      case BPF_LDX | BPF_W | BPF_MEM: {
        uint32_t v;
        std::memcpy(&v, reinterpret_cast<char*>(r[i.src_reg]) + i.off, 4);
        r[i.dst_reg] = v;
        break;
      }
      case BPF_ALU | BPF_AND | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg] & i.imm);
        break;
      case BPF_ALU | BPF_RSH | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) >> i.imm;
        break;
      case BPF_ALU | BPF_MOV | BPF_X:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.src_reg]);
        break;
      case BPF_ALU64 | BPF_MOV | BPF_K:
        r[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
        break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (r[i.dst_reg] != static_cast<uint64_t>(static_cast<int64_t>(i.imm)))
          pc += i.off;
        break;
      case BPF_JMP | BPF_EXIT:
        return static_cast<int>(r[0]);
      default:
        ADD_FAILURE() << "opcode 0x" << std::hex << int{i.code};
        return -1;
    }
  }
  ADD_FAILURE() << "fell off the program";
  return -1;
}

oci::DeviceRule Rule(bool allow, std::string type, int64_t major, int64_t minor,
                     std::string access) {
  oci::DeviceRule r;
  r.allow = allow;
  r.type = std::move(type);
  if (major >= 0) r.major = major;
  if (minor >= 0) r.minor = minor;
  r.access = std::move(access);
  return r;
}

constexpr uint32_t kChar = BPF_DEVCG_DEV_CHAR, kBlock = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t kR = BPF_DEVCG_ACC_READ, kW = BPF_DEVCG_ACC_WRITE,
                   kM = BPF_DEVCG_ACC_MKNOD;

TEST(DeviceFilterTest, LaterRulesWinAndNoMatchDenies) {
  auto prog = CompileDeviceFilter(
      {Rule(false, "a", -1, -1, "rwm"), Rule(true, "c", 1, 3, "rwm"),
       Rule(true, "c", 136, -1, "rw"), Rule(false, "c", 1, 3, "w")});
  EXPECT_EQ(RunEbpf(prog, kChar, kR, 1, 3), 1);         // /dev/null read
  EXPECT_EQ(RunEbpf(prog, kChar, kW, 1, 3), 0);         // write denied last
  EXPECT_EQ(RunEbpf(prog, kChar, kR | kW, 136, 7), 1);  // any pts
  EXPECT_EQ(RunEbpf(prog, kChar, kM, 136, 7), 0);       // but no mknod
  EXPECT_EQ(RunEbpf(prog, kBlock, kR, 8, 0), 0);        // default deny
  EXPECT_EQ(RunEbpf(prog, kChar, kR, 1, 5), 0);
}

TEST(DeviceFilterTest, AllowAllAndEmpty) {
  EXPECT_EQ(RunEbpf(CompileDeviceFilter({Rule(true, "a", -1, -1, "")}), kBlock,
                    kW, 8, 0),
            1);
  EXPECT_EQ(RunEbpf(CompileDeviceFilter({}), kChar, kR, 1, 3), 0);
}

}  // namespace
}  // namespace crisp::runtime::cgroups
