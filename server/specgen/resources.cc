#include "server/specgen/resources.h"

namespace crisp::server::specgen {
namespace {

void ApplyCpu(const v1::LinuxContainerResources& in, runtime::oci::Cpu& cpu) {
  if (in.cpu_period() > 0) cpu.period = in.cpu_period();
  if (in.cpu_quota() != 0) cpu.quota = in.cpu_quota();
  if (in.cpu_shares() > 0) cpu.shares = in.cpu_shares();
  cpu.cpus = in.cpuset_cpus();
  cpu.mems = in.cpuset_mems();
}

void ApplyMemory(const v1::LinuxContainerResources& in,
                 runtime::oci::Memory& memory) {
  if (in.memory_limit_in_bytes() != 0) {
    memory.limit = in.memory_limit_in_bytes();
    memory.swap = in.memory_limit_in_bytes();
  }
  if (in.memory_swap_limit_in_bytes() != 0) {
    memory.swap = in.memory_swap_limit_in_bytes();
  }
}

}  // namespace

void ApplyResources(const v1::LinuxContainerResources& in,
                    runtime::oci::Resources& out) {
  runtime::oci::Cpu cpu;
  ApplyCpu(in, cpu);
  if (cpu.period || cpu.quota || cpu.shares || !cpu.cpus.empty() ||
      !cpu.mems.empty()) {
    out.cpu = cpu;
  }
  runtime::oci::Memory memory;
  ApplyMemory(in, memory);
  if (memory.limit || memory.swap) out.memory = memory;
  for (const auto& h : in.hugepage_limits()) {
    out.hugepage_limits.push_back({h.page_size(), h.limit()});
  }
  out.unified.insert(in.unified().begin(), in.unified().end());
}

}  // namespace crisp::server::specgen
