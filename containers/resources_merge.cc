#include "containers/resources_merge.h"

#include <optional>

namespace crisp::containers {
namespace {

template <typename T>
void Take(std::optional<T>& to, const std::optional<T>& from) {
  if (from) to = from;
}

void MergeMemory(std::optional<runtime::oci::Memory>& to,
                 const runtime::oci::Memory& from) {
  if (!to) to.emplace();
  Take(to->limit, from.limit);
  Take(to->reservation, from.reservation);
  Take(to->swap, from.swap);
  Take(to->kernel, from.kernel);
  Take(to->kernel_tcp, from.kernel_tcp);
  Take(to->swappiness, from.swappiness);
  Take(to->disable_oom_killer, from.disable_oom_killer);
}

void MergeCpu(std::optional<runtime::oci::Cpu>& to,
              const runtime::oci::Cpu& from) {
  if (!to) to.emplace();
  Take(to->shares, from.shares);
  Take(to->quota, from.quota);
  Take(to->period, from.period);
  Take(to->realtime_runtime, from.realtime_runtime);
  Take(to->realtime_period, from.realtime_period);
  Take(to->idle, from.idle);
  if (!from.cpus.empty()) to->cpus = from.cpus;
  if (!from.mems.empty()) to->mems = from.mems;
}

}  // namespace

runtime::oci::Resources MergeResources(runtime::oci::Resources base,
                                       const runtime::oci::Resources& update) {
  if (update.memory) MergeMemory(base.memory, *update.memory);
  if (update.cpu) MergeCpu(base.cpu, *update.cpu);
  if (update.pids) base.pids = update.pids;
  if (update.block_io) base.block_io = update.block_io;
  if (!update.hugepage_limits.empty()) {
    base.hugepage_limits = update.hugepage_limits;
  }
  for (const auto& [key, value] : update.unified) base.unified[key] = value;
  return base;
}

}  // namespace crisp::containers
