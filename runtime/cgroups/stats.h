// Container statistics read back from its cgroup (v1 or v2), and the
// parsers of the cgroup stat files (pure, unit-tested).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::runtime::cgroups {

struct Stats {
  uint64_t cpu_usage_ns = 0;
  uint64_t memory_usage = 0;        // incl. page cache
  uint64_t memory_working_set = 0;  // usage - inactive_file (kubelet's)
  uint64_t memory_rss = 0;
  uint64_t pids = 0;
  uint64_t oom_kills = 0;
  uint64_t io_read_bytes = 0, io_write_bytes = 0;
};

// "key value\n" lines (memory.stat, cpu.stat, memory.events) → map.
std::map<std::string, uint64_t> ParseFlatKeyed(absl::string_view text);
// io.stat lines "maj:min rbytes=.. wbytes=.." summed over devices.
std::map<std::string, uint64_t> ParseIoStat(absl::string_view text);
// blkio.throttle.io_service_bytes lines "maj:min Read N" summed.
std::map<std::string, uint64_t> ParseBlkioBytes(absl::string_view text);

// Reads the stats from one v2 directory or the v1 controller directories.
Stats ReadV2Stats(const std::string& dir);
Stats ReadV1Stats(const std::map<std::string, std::string>& dirs);

}  // namespace crisp::runtime::cgroups
