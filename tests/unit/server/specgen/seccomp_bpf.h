// A tiny classic-BPF interpreter, enough for libseccomp's output, to see
// what a compiled filter answers for one system call without loading it.
#pragma once

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace crisp::server::specgen::testing_bpf {

inline bool Jump(const sock_filter& f, uint32_t a) {
  switch (BPF_OP(f.code)) {
    case BPF_JEQ:
      return a == f.k;
    case BPF_JGT:
      return a > f.k;
    case BPF_JGE:
      return a >= f.k;
    case BPF_JSET:
      return (a & f.k) != 0;
  }
  ADD_FAILURE() << "jump 0x" << std::hex << f.code << " not modelled";
  return false;
}

// The filter's verdict for syscall `nr` with first argument `arg0`, as an
// x86_64 process would make it.
inline uint32_t Run(const std::vector<sock_filter>& prog, int nr,
                    uint64_t arg0) {
  seccomp_data data = {};
  data.nr = nr;
  data.arch = AUDIT_ARCH_X86_64;
  data.args[0] = arg0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&data);
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    if (BPF_CLASS(f.code) == BPF_JMP) {
      if (BPF_OP(f.code) == BPF_JA) {
        pc += f.k;
      } else {
        pc += Jump(f, a) ? f.jt : f.jf;
      }
      continue;
    }
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        std::memcpy(&a, bytes + f.k, sizeof(a));
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

}  // namespace crisp::server::specgen::testing_bpf
