#include "runtime/cgroups/stats.h"

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

Stats ReadV2Stats(const std::string& dir) {
  Stats s;
  s.cpu_usage_ns = ReadKeyed(dir + "/cpu.stat")["usage_usec"] * 1000;
  s.memory_usage = ReadNumber(dir + "/memory.current");
  auto mem = ReadKeyed(dir + "/memory.stat");
  uint64_t inactive = mem["inactive_file"];
  s.memory_working_set =
      s.memory_usage > inactive ? s.memory_usage - inactive : 0;
  s.memory_rss = mem["anon"];
  s.pids = ReadNumber(dir + "/pids.current");
  s.oom_kills = ReadKeyed(dir + "/memory.events")["oom_kill"];
  auto io = ReadFile(dir + "/io.stat");
  if (io.ok()) {
    auto m = ParseIoStat(*io);
    s.io_read_bytes = m["rbytes"];
    s.io_write_bytes = m["wbytes"];
  }
  return s;
}

Stats ReadV1Stats(const std::map<std::string, std::string>& dirs) {
  Stats s;
  std::string cpuacct = Dir(dirs, "cpuacct"), memory = Dir(dirs, "memory");
  std::string pids = Dir(dirs, "pids"), blkio = Dir(dirs, "blkio");
  if (!cpuacct.empty()) s.cpu_usage_ns = ReadNumber(cpuacct + "/cpuacct.usage");
  if (!memory.empty()) {
    s.memory_usage = ReadNumber(memory + "/memory.usage_in_bytes");
    auto mem = ReadKeyed(memory + "/memory.stat");
    uint64_t inactive = mem["total_inactive_file"];
    s.memory_working_set =
        s.memory_usage > inactive ? s.memory_usage - inactive : 0;
    s.memory_rss = mem["total_rss"];
    s.oom_kills = ReadKeyed(memory + "/memory.oom_control")["oom_kill"];
  }
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
