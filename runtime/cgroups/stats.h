// Statistics read back from a cgroup (v1 or v2): a container's, or a pod's
// (the pod's cgroup parent), and the parsers of the cgroup stat files
// (pure, unit-tested on fixture files).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::runtime::cgroups {

struct Stats {
  uint64_t cpu_usage_ns = 0;
  uint64_t cpu_user_ns = 0;
  uint64_t cpu_system_ns = 0;
  uint64_t memory_usage = 0;        // incl. page cache
  uint64_t memory_working_set = 0;  // usage - inactive_file (kubelet's)
  uint64_t memory_rss = 0;          // anonymous memory
  uint64_t memory_cache = 0;        // page cache (file)
  uint64_t memory_limit = 0;        // 0: no limit
  // Times usage hit the limit (v1 memory.failcnt, v2 memory.events "max").
  uint64_t memory_failcnt = 0;
  uint64_t page_faults = 0;
  uint64_t major_page_faults = 0;
  uint64_t pids = 0;
  uint64_t oom_kills = 0;
  uint64_t io_read_bytes = 0, io_write_bytes = 0;

  // limit - working set when there is a limit (what cAdvisor and kubelet
  // call "available"); 0 when there is none.
  uint64_t MemoryAvailable() const;
  // Adds another cgroup's figures (a pod without a cgroup of its own is
  // the sum of its containers'). The sum has no limit.
  void Add(const Stats& other);
};

// "key value\n" lines (memory.stat, cpu.stat, memory.events) → map.
std::map<std::string, uint64_t> ParseFlatKeyed(absl::string_view text);
// io.stat lines "maj:min rbytes=.. wbytes=.." summed over devices.
std::map<std::string, uint64_t> ParseIoStat(absl::string_view text);
// blkio.throttle.io_service_bytes lines "maj:min Read N" summed.
std::map<std::string, uint64_t> ParseBlkioBytes(absl::string_view text);
// memory.max / memory.limit_in_bytes → bytes; 0 for "max" and for the
// page-rounded "unlimited" of v1 (anything above 2^62, as containerd).
uint64_t ParseMemoryLimit(absl::string_view text);

// Reads the stats from one v2 directory or the v1 controller directories.
Stats ReadV2Stats(const std::string& dir);
Stats ReadV1Stats(const std::map<std::string, std::string>& dirs);

}  // namespace crisp::runtime::cgroups
