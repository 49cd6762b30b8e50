#include "runtime/cgroups/stats.h"

#include <unistd.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"

namespace crisp::runtime::cgroups {
namespace {

uint64_t ReadNumber(const std::string& path) {
  auto text = ReadFile(path);
  uint64_t v = 0;
  if (text.ok()) (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &v);
  return v;
}

std::map<std::string, uint64_t> ReadKeyed(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? ParseFlatKeyed(*text) : std::map<std::string, uint64_t>{};
}

uint64_t WorkingSet(uint64_t usage, uint64_t inactive_file) {
  return usage > inactive_file ? usage - inactive_file : 0;
}

// cpuacct.stat counts USER_HZ ticks.
uint64_t TicksToNs(uint64_t ticks) {
  static const long hz = sysconf(_SC_CLK_TCK);
  return hz > 0 ? ticks * (1000000000 / hz) : 0;
}

std::string Dir(const std::map<std::string, std::string>& dirs,
                const std::string& controller) {
  auto it = dirs.find(controller);
  return it == dirs.end() ? "" : it->second;
}

}  // namespace

std::map<std::string, uint64_t> ParseFlatKeyed(absl::string_view text) {
  std::map<std::string, uint64_t> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    uint64_t v;
    if (kv.size() == 2 && absl::SimpleAtoi(kv[1], &v)) {
      out[std::string(kv[0])] = v;
    }
  }
  return out;
}

std::map<std::string, uint64_t> ParseIoStat(absl::string_view text) {
  std::map<std::string, uint64_t> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    for (size_t i = 1; i < f.size(); ++i) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(f[i], absl::MaxSplits('=', 1));
      uint64_t v;
      if (absl::SimpleAtoi(kv.second, &v)) out[std::string(kv.first)] += v;
    }
  }
  return out;
}

std::map<std::string, uint64_t> ParseBlkioBytes(absl::string_view text) {
  std::map<std::string, uint64_t> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    uint64_t v;
    if (f.size() == 3 && absl::SimpleAtoi(f[2], &v)) {
      out[std::string(f[1])] += v;
    }
  }
  return out;
}

uint64_t ParseMemoryLimit(absl::string_view text) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &v)) return 0;
  return v > (uint64_t{1} << 62) ? 0 : v;
}

uint64_t Stats::MemoryAvailable() const {
  if (memory_limit == 0) return 0;
  return memory_limit > memory_working_set ? memory_limit - memory_working_set
                                           : 0;
}

void Stats::Add(const Stats& o) {
  cpu_usage_ns += o.cpu_usage_ns;
  cpu_user_ns += o.cpu_user_ns;
  cpu_system_ns += o.cpu_system_ns;
  memory_usage += o.memory_usage;
  memory_working_set += o.memory_working_set;
  memory_rss += o.memory_rss;
  memory_cache += o.memory_cache;
  memory_limit = 0;  // a sum of cgroups has no limit of its own
  memory_failcnt += o.memory_failcnt;
  page_faults += o.page_faults;
  major_page_faults += o.major_page_faults;
  pids += o.pids;
  oom_kills += o.oom_kills;
  io_read_bytes += o.io_read_bytes;
  io_write_bytes += o.io_write_bytes;
}

Stats ReadV2Stats(const std::string& dir) {
  Stats s;
  auto cpu = ReadKeyed(dir + "/cpu.stat");
  s.cpu_usage_ns = cpu["usage_usec"] * 1000;
  s.cpu_user_ns = cpu["user_usec"] * 1000;
  s.cpu_system_ns = cpu["system_usec"] * 1000;
  s.memory_usage = ReadNumber(dir + "/memory.current");
  auto mem = ReadKeyed(dir + "/memory.stat");
  s.memory_working_set = WorkingSet(s.memory_usage, mem["inactive_file"]);
  s.memory_rss = mem["anon"];
  s.memory_cache = mem["file"];
  s.page_faults = mem["pgfault"];
  s.major_page_faults = mem["pgmajfault"];
  s.memory_limit = ParseMemoryLimit(ReadFile(dir + "/memory.max").value_or(""));
  s.pids = ReadNumber(dir + "/pids.current");
  auto events = ReadKeyed(dir + "/memory.events");
  s.oom_kills = events["oom_kill"];
  s.memory_failcnt = events["max"];
  auto io = ReadFile(dir + "/io.stat");
  if (io.ok()) {
    auto m = ParseIoStat(*io);
    s.io_read_bytes = m["rbytes"];
    s.io_write_bytes = m["wbytes"];
  }
  return s;
}

namespace {

void ReadV1Cpu(const std::string& cpuacct, Stats& s) {
  s.cpu_usage_ns = ReadNumber(cpuacct + "/cpuacct.usage");
  // cpuacct.usage_user/_sys are in ns but absent before Linux 4.7;
  // cpuacct.stat is always there, in ticks.
  if (access((cpuacct + "/cpuacct.usage_user").c_str(), F_OK) == 0) {
    s.cpu_user_ns = ReadNumber(cpuacct + "/cpuacct.usage_user");
    s.cpu_system_ns = ReadNumber(cpuacct + "/cpuacct.usage_sys");
    return;
  }
  auto ticks = ReadKeyed(cpuacct + "/cpuacct.stat");
  s.cpu_user_ns = TicksToNs(ticks["user"]);
  s.cpu_system_ns = TicksToNs(ticks["system"]);
}

void ReadV1Memory(const std::string& memory, Stats& s) {
  s.memory_usage = ReadNumber(memory + "/memory.usage_in_bytes");
  // The total_ keys include the descendants (a pod's containers).
  auto mem = ReadKeyed(memory + "/memory.stat");
  s.memory_working_set = WorkingSet(s.memory_usage, mem["total_inactive_file"]);
  s.memory_rss = mem["total_rss"];
  s.memory_cache = mem["total_cache"];
  s.page_faults = mem["total_pgfault"];
  s.major_page_faults = mem["total_pgmajfault"];
  s.memory_limit = ParseMemoryLimit(
      ReadFile(memory + "/memory.limit_in_bytes").value_or(""));
  s.memory_failcnt = ReadNumber(memory + "/memory.failcnt");
  s.oom_kills = ReadKeyed(memory + "/memory.oom_control")["oom_kill"];
}

}  // namespace

Stats ReadV1Stats(const std::map<std::string, std::string>& dirs) {
  Stats s;
  std::string cpuacct = Dir(dirs, "cpuacct"), memory = Dir(dirs, "memory");
  std::string pids = Dir(dirs, "pids"), blkio = Dir(dirs, "blkio");
  if (!cpuacct.empty()) ReadV1Cpu(cpuacct, s);
  if (!memory.empty()) ReadV1Memory(memory, s);
  if (!pids.empty()) s.pids = ReadNumber(pids + "/pids.current");
  if (!blkio.empty()) {
    auto io = ReadFile(blkio + "/blkio.throttle.io_service_bytes_recursive");
    if (io.ok()) {
      auto m = ParseBlkioBytes(*io);
      s.io_read_bytes = m["Read"];
      s.io_write_bytes = m["Write"];
    }
  }
  return s;
}

}  // namespace crisp::runtime::cgroups
