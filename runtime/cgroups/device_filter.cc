#include "runtime/cgroups/device_filter.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace crisp::runtime::cgroups {
namespace {

// Registers of the program: r1 = ctx, r2 = type, r3 = access, r4 = major,
// r5 = minor, r0 = verdict.
bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
              int32_t imm) {
  bpf_insn i = {};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

bpf_insn LoadCtx(uint8_t dst, int16_t off) {
  return Insn(BPF_LDX | BPF_W | BPF_MEM, dst, 1, off, 0);
}
bpf_insn Alu32(uint8_t op, uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn JumpNe(uint8_t reg, int32_t imm, int16_t off) {
  return Insn(BPF_JMP | BPF_JNE | BPF_K, reg, 0, off, imm);
}
bpf_insn Return(int32_t verdict, std::vector<bpf_insn>& out) {
  out.push_back(Insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, verdict));
  return Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int32_t AccessMask(const std::string& access) {
  int32_t m = 0;
  for (char c : access.empty() ? std::string("rwm") : access) {
    if (c == 'm') m |= BPF_DEVCG_ACC_MKNOD;
    if (c == 'r') m |= BPF_DEVCG_ACC_READ;
    if (c == 'w') m |= BPF_DEVCG_ACC_WRITE;
  }
  return m;
}

// One rule: a run of "skip to the next rule unless it matches" checks, then
// the verdict. Jump offsets are patched once the block's length is known.
std::vector<bpf_insn> RuleBlock(const oci::DeviceRule& r) {
  std::vector<bpf_insn> b;
  if (r.type == "c" || r.type == "b") {
    b.push_back(
        JumpNe(2, r.type == "c" ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0));
  }
  int32_t access = AccessMask(r.access);
  if (access !=
      (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)) {
    // Matches when every requested access is in the rule's set.
    b.push_back(Insn(BPF_ALU | BPF_MOV | BPF_X, 6, 3, 0, 0));
    b.push_back(Alu32(BPF_AND, 6, ~access));
    b.push_back(JumpNe(6, 0, 0));
  }
  if (r.major && *r.major >= 0) {
    b.push_back(JumpNe(4, static_cast<int32_t>(*r.major), 0));
  }
  if (r.minor && *r.minor >= 0) {
    b.push_back(JumpNe(5, static_cast<int32_t>(*r.minor), 0));
  }
  bpf_insn exit = Return(r.allow ? 1 : 0, b);
  b.push_back(exit);
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i].code == (BPF_JMP | BPF_JNE | BPF_K)) {
      b[i].off = static_cast<int16_t>(b.size() - i - 1);  // past the block
    }
  }
  return b;
}

long Bpf(int cmd, bpf_attr* attr) {
  return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

}  // namespace

std::vector<bpf_insn> CompileDeviceFilter(
    const std::vector<oci::DeviceRule>& rules) {
  std::vector<bpf_insn> p = {LoadCtx(2, 0), Alu32(BPF_AND, 2, 0xffff),  // type
                             LoadCtx(3, 0), Alu32(BPF_RSH, 3, 16),  // access
                             LoadCtx(4, 4), LoadCtx(5, 8)};  // major, minor
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    std::vector<bpf_insn> block = RuleBlock(*it);
    p.insert(p.end(), block.begin(), block.end());
    // A rule that matches everything ends the program: the verifier
    // refuses unreachable instructions after it.
    if (block.size() == 2) return p;
  }
  bpf_insn exit = Return(0, p);
  p.push_back(exit);
  return p;
}

absl::Status AttachDeviceFilter(const std::string& dir,
                                const std::vector<oci::DeviceRule>& rules) {
  std::vector<bpf_insn> prog = CompileDeviceFilter(rules);
  char license[] = "Apache";
  bpf_attr load = {};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(prog.data());
  load.insn_cnt = static_cast<uint32_t>(prog.size());
  load.license = reinterpret_cast<uint64_t>(license);
  static char log[4096];
  load.log_buf = reinterpret_cast<uint64_t>(log);
  load.log_size = sizeof(log);
  load.log_level = 1;
  UniqueFd prog_fd(static_cast<int>(Bpf(BPF_PROG_LOAD, &load)));
  if (!prog_fd) {
    return LastErrno(absl::StrCat("load device cgroup BPF program: ", log));
  }
  UniqueFd cg(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cg) return LastErrno(absl::StrCat("open cgroup ", dir));
  uint32_t old_ids[64] = {};
  bpf_attr query = {};
  query.query.target_fd = static_cast<uint32_t>(cg.get());
  query.query.attach_type = BPF_CGROUP_DEVICE;
  query.query.prog_ids = reinterpret_cast<uint64_t>(old_ids);
  query.query.prog_cnt = 64;
  uint32_t old_count =
      Bpf(BPF_PROG_QUERY, &query) == 0 ? query.query.prog_cnt : 0;
  bpf_attr attach = {};
  attach.target_fd = static_cast<uint32_t>(cg.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (Bpf(BPF_PROG_ATTACH, &attach) != 0) {
    return LastErrno(absl::StrCat("attach device filter to ", dir));
  }
  for (uint32_t i = 0; i < old_count && i < 64; ++i) {
    bpf_attr get = {};
    get.prog_id = old_ids[i];
    UniqueFd old(static_cast<int>(Bpf(BPF_PROG_GET_FD_BY_ID, &get)));
    if (!old) continue;
    bpf_attr detach = {};
    detach.target_fd = static_cast<uint32_t>(cg.get());
    detach.attach_bpf_fd = static_cast<uint32_t>(old.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    (void)Bpf(BPF_PROG_DETACH, &detach);
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::cgroups
