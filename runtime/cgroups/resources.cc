#include "runtime/cgroups/resources.h"

#include "absl/strings/str_cat.h"

namespace crisp::runtime::cgroups {
namespace {

std::string Limit(int64_t v) { return v < 0 ? "max" : absl::StrCat(v); }
std::string V1Limit(int64_t v) { return absl::StrCat(v < 0 ? -1 : v); }

std::string DeviceRuleLine(const oci::DeviceRule& d) {
  std::string type = d.type.empty() ? "a" : d.type;
  auto num = [](const std::optional<int64_t>& n) {
    return n && *n >= 0 ? absl::StrCat(*n) : std::string("*");
  };
  std::string access = d.access.empty() ? "rwm" : d.access;
  return absl::StrCat(type, " ", num(d.major), ":", num(d.minor), " ", access);
}

void V1Memory(const oci::Memory& m, std::vector<Setting>& out) {
  auto add = [&](const char* file, std::string value) {
    out.push_back({"memory", file, std::move(value)});
  };
  if (m.limit) add("memory.limit_in_bytes", V1Limit(*m.limit));
  if (m.swap) add("memory.memsw.limit_in_bytes", V1Limit(*m.swap));
  if (m.reservation) add("memory.soft_limit_in_bytes", V1Limit(*m.reservation));
  if (m.kernel_tcp)
    add("memory.kmem.tcp.limit_in_bytes", V1Limit(*m.kernel_tcp));
  if (m.swappiness) add("memory.swappiness", absl::StrCat(*m.swappiness));
  if (m.disable_oom_killer) {
    add("memory.oom_control", *m.disable_oom_killer ? "1" : "0");
  }
}

void V1Cpu(const oci::Cpu& c, std::vector<Setting>& out) {
  if (c.shares) out.push_back({"cpu", "cpu.shares", absl::StrCat(*c.shares)});
  if (c.period) {
    out.push_back({"cpu", "cpu.cfs_period_us", absl::StrCat(*c.period)});
  }
  if (c.quota) out.push_back({"cpu", "cpu.cfs_quota_us", V1Limit(*c.quota)});
  if (c.realtime_period) {
    out.push_back(
        {"cpu", "cpu.rt_period_us", absl::StrCat(*c.realtime_period)});
  }
  if (c.realtime_runtime) {
    out.push_back(
        {"cpu", "cpu.rt_runtime_us", absl::StrCat(*c.realtime_runtime)});
  }
  if (!c.cpus.empty()) out.push_back({"cpuset", "cpuset.cpus", c.cpus});
  if (!c.mems.empty()) out.push_back({"cpuset", "cpuset.mems", c.mems});
}

void V1BlockIo(const oci::BlockIo& b, std::vector<Setting>& out) {
  if (b.weight)
    out.push_back({"blkio", "blkio.weight", absl::StrCat(*b.weight)});
  if (b.leaf_weight) {
    out.push_back({"blkio", "blkio.leaf_weight", absl::StrCat(*b.leaf_weight)});
  }
  for (const auto& w : b.weight_device) {
    if (w.weight) {
      out.push_back({"blkio", "blkio.weight_device",
                     absl::StrCat(w.major, ":", w.minor, " ", *w.weight)});
    }
  }
  auto throttle = [&](const char* file, const auto& list) {
    for (const auto& t : list) {
      out.push_back(
          {"blkio", file, absl::StrCat(t.major, ":", t.minor, " ", t.rate)});
    }
  };
  throttle("blkio.throttle.read_bps_device", b.throttle_read_bps_device);
  throttle("blkio.throttle.write_bps_device", b.throttle_write_bps_device);
  throttle("blkio.throttle.read_iops_device", b.throttle_read_iops_device);
  throttle("blkio.throttle.write_iops_device", b.throttle_write_iops_device);
}

void V2Memory(const oci::Memory& m, std::vector<Setting>& out) {
  if (m.limit) out.push_back({"", "memory.max", Limit(*m.limit)});
  if (m.reservation) out.push_back({"", "memory.low", Limit(*m.reservation)});
  if (m.swap) {
    // v1's memsw counts memory+swap; v2's swap.max counts swap alone.
    std::string swap = "max";
    if (*m.swap >= 0 && m.limit && *m.limit >= 0) {
      swap = absl::StrCat(*m.swap > *m.limit ? *m.swap - *m.limit : 0);
    }
    out.push_back({"", "memory.swap.max", swap});
  }
}

void V2Cpu(const oci::Cpu& c, std::vector<Setting>& out) {
  if (c.shares && *c.shares > 0) {
    out.push_back({"", "cpu.weight", absl::StrCat(SharesToWeight(*c.shares))});
  }
  if (c.quota || c.period) {
    std::string quota =
        c.quota && *c.quota > 0 ? absl::StrCat(*c.quota) : "max";
    out.push_back(
        {"", "cpu.max", absl::StrCat(quota, " ", c.period.value_or(100000))});
  }
  if (c.idle) out.push_back({"", "cpu.idle", absl::StrCat(*c.idle)});
  if (!c.cpus.empty()) out.push_back({"", "cpuset.cpus", c.cpus});
  if (!c.mems.empty()) out.push_back({"", "cpuset.mems", c.mems});
}

void V2Io(const oci::BlockIo& b, std::vector<Setting>& out) {
  if (b.weight) {
    out.push_back({"", "io.weight",
                   absl::StrCat("default ", BlkioToIoWeight(*b.weight))});
  }
  for (const auto& w : b.weight_device) {
    if (w.weight) {
      out.push_back({"", "io.weight",
                     absl::StrCat(w.major, ":", w.minor, " ",
                                  BlkioToIoWeight(*w.weight))});
    }
  }
  auto throttle = [&](const char* key, const auto& list) {
    for (const auto& t : list) {
      out.push_back(
          {"", "io.max",
           absl::StrCat(t.major, ":", t.minor, " ", key, "=", t.rate)});
    }
  };
  throttle("rbps", b.throttle_read_bps_device);
  throttle("wbps", b.throttle_write_bps_device);
  throttle("riops", b.throttle_read_iops_device);
  throttle("wiops", b.throttle_write_iops_device);
}

}  // namespace

uint64_t SharesToWeight(uint64_t shares) {
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t BlkioToIoWeight(uint64_t weight) {
  if (weight < 10) weight = 10;
  if (weight > 1000) weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

std::vector<Setting> V1Settings(const oci::Resources& r) {
  std::vector<Setting> out;
  if (!r.devices.empty()) {
    for (const auto& d : r.devices) {
      out.push_back({"devices", d.allow ? "devices.allow" : "devices.deny",
                     DeviceRuleLine(d)});
    }
  }
  if (r.memory) V1Memory(*r.memory, out);
  if (r.cpu) V1Cpu(*r.cpu, out);
  if (r.pids)
    out.push_back(
        {"pids", "pids.max", Limit(r.pids->limit > 0 ? r.pids->limit : -1)});
  if (r.block_io) V1BlockIo(*r.block_io, out);
  for (const auto& h : r.hugepage_limits) {
    out.push_back({"hugetlb",
                   absl::StrCat("hugetlb.", h.page_size, ".limit_in_bytes"),
                   absl::StrCat(h.limit)});
  }
  return out;
}

std::vector<Setting> V2Settings(const oci::Resources& r) {
  std::vector<Setting> out;
  if (r.memory) V2Memory(*r.memory, out);
  if (r.cpu) V2Cpu(*r.cpu, out);
  if (r.pids) {
    out.push_back(
        {"", "pids.max", Limit(r.pids->limit > 0 ? r.pids->limit : -1)});
  }
  if (r.block_io) V2Io(*r.block_io, out);
  for (const auto& h : r.hugepage_limits) {
    out.push_back({"", absl::StrCat("hugetlb.", h.page_size, ".max"),
                   absl::StrCat(h.limit)});
  }
  for (const auto& [file, value] : r.unified) out.push_back({"", file, value});
  return out;
}

}  // namespace crisp::runtime::cgroups
