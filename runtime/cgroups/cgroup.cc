#include "runtime/cgroups/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "runtime/cgroups/device_filter.h"
#include "runtime/cgroups/kill.h"
#include "runtime/cgroups/resources.h"

namespace crisp::runtime::cgroups {
namespace {

// Controllers Crisp manages on v1; others (net_cls, perf_event, ...) are
// left to the parent cgroup.
const std::set<std::string> kV1Controllers = {
    "cpu",     "cpuacct", "cpuset", "memory",  "devices",
    "freezer", "blkio",   "pids",   "hugetlb", "systemd"};

std::string Clean(const std::string& path) {
  std::string p = path;
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p.empty() || p[0] == '/' ? p : "/" + p;
}

// mkdir level by level; for cpuset each new level copies its parent's cpus
// and mems, without which no process may join it.
absl::Status MakeLevels(const std::string& mount, const std::string& rel,
                        bool cpuset) {
  std::string dir = mount;
  for (absl::string_view part : absl::StrSplit(rel, '/', absl::SkipEmpty())) {
    std::string parent = dir;
    dir = absl::StrCat(dir, "/", part);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return LastErrno(absl::StrCat("mkdir cgroup ", dir));
    }
    if (!cpuset) continue;
    for (const char* f : {"/cpuset.cpus", "/cpuset.mems"}) {
      auto mine = ReadFile(dir + f);
      auto theirs = ReadFile(parent + f);
      if (!mine.ok() || !theirs.ok()) continue;
      if (!absl::StripAsciiWhitespace(*mine).empty()) continue;
      UniqueFd fd(open((dir + f).c_str(), O_WRONLY | O_CLOEXEC));
      if (!fd || write(fd.get(), theirs->data(), theirs->size()) < 0) {
        return LastErrno(absl::StrCat("copy ", f, " into ", dir));
      }
    }
  }
  return absl::OkStatus();
}

void EnableV2Controllers(const std::string& mount, const std::string& rel) {
  auto available = ReadFile(mount + "/cgroup.controllers");
  if (!available.ok()) return;
  std::string dir = mount;
  std::vector<std::string> parts = absl::StrSplit(rel, '/', absl::SkipEmpty());
  for (size_t i = 0; i < parts.size(); ++i) {  // every ancestor of the leaf
    for (absl::string_view c : absl::StrSplit(
             absl::StripAsciiWhitespace(*available), ' ', absl::SkipEmpty())) {
      int fd = open((dir + "/cgroup.subtree_control").c_str(), O_WRONLY);
      if (fd < 0) break;
      std::string v = absl::StrCat("+", c);
      (void)!write(fd, v.data(), v.size());
      close(fd);
    }
    dir = absl::StrCat(dir, "/", parts[i]);
  }
}

}  // namespace

Cgroup::Cgroup(CgroupOptions o) : options_(std::move(o)) {
  options_.path = Clean(options_.path);
  const Layout& l = options_.layout;
  if (l.mode == Mode::kUnified) {
    dirs_[""] = l.unified_mount + options_.path;
    return;
  }
  for (const auto& [ctrl, mount] : l.v1_mounts) {
    std::string name = ctrl.rfind("name=", 0) == 0 ? ctrl.substr(5) : ctrl;
    if (kV1Controllers.count(name)) dirs_[name] = mount + options_.path;
  }
  if (!l.unified_mount.empty()) dirs_[""] = l.unified_mount + options_.path;
}

absl::StatusOr<Cgroup> Cgroup::Create(const CgroupOptions& o) {
  Cgroup cg(o);
  if (cg.options_.path.empty() || cg.options_.path == "/") {
    return absl::InvalidArgumentError(
        "linux.cgroupsPath: the root cgroup cannot be a container's");
  }
  if (cg.unified()) {
    RETURN_IF_ERROR(
        MakeLevels(o.layout.unified_mount, cg.options_.path, false));
    EnableV2Controllers(o.layout.unified_mount, cg.options_.path);
    return cg;
  }
  for (const auto& [ctrl, mount] : o.layout.v1_mounts) {
    std::string name = ctrl.rfind("name=", 0) == 0 ? ctrl.substr(5) : ctrl;
    if (!kV1Controllers.count(name)) continue;
    RETURN_IF_ERROR(MakeLevels(mount, cg.options_.path, name == "cpuset"));
  }
  if (!o.layout.unified_mount.empty()) {
    RETURN_IF_ERROR(
        MakeLevels(o.layout.unified_mount, cg.options_.path, false));
  }
  return cg;
}

Cgroup Cgroup::Open(const CgroupOptions& o) { return Cgroup(o); }

absl::Status Cgroup::Write(const std::string& dir, const std::string& file,
                           const std::string& value) const {
  std::string path = dir + "/" + file;
  int flags = O_WRONLY | O_CLOEXEC | (options_.create_files ? O_CREAT : 0);
  UniqueFd fd(open(path.c_str(), flags, 0644));
  if (!fd && errno == ENOENT) {
    LOG(WARNING) << "cgroup: " << path << " missing on this kernel, skipped";
    return absl::OkStatus();
  }
  if (!fd) return LastErrno(absl::StrCat("open ", path));
  if (options_.create_files && ftruncate(fd.get(), 0) != 0) {
    return LastErrno(absl::StrCat("truncate ", path));
  }
  if (write(fd.get(), value.data(), value.size()) < 0) {
    return LastErrno(absl::StrCat("write \"", value, "\" to ", path));
  }
  return absl::OkStatus();
}

absl::Status Cgroup::Apply(const oci::Resources& r) const {
  std::vector<Setting> settings = unified() ? V2Settings(r) : V1Settings(r);
  if (!unified() && !r.unified.empty()) {
    LOG(WARNING) << "linux.resources.unified ignored on a v1 node";
  }
  if (unified() && !r.devices.empty() && !options_.create_files) {
    RETURN_IF_ERROR(AttachDeviceFilter(dirs_.at(""), r.devices));
  }
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& s = settings[i];
    auto it = dirs_.find(s.controller);
    if (it == dirs_.end()) {
      LOG(WARNING) << "cgroup controller " << s.controller << " not mounted; "
                   << s.file << " skipped";
      continue;
    }
    absl::Status st = Write(it->second, s.file, s.value);
    // v1 refuses a memory limit above memsw (or memsw below the limit):
    // the pair goes in whichever order the current values allow.
    if (!st.ok() && s.file == "memory.limit_in_bytes" &&
        i + 1 < settings.size() &&
        settings[i + 1].file == "memory.memsw.limit_in_bytes") {
      RETURN_IF_ERROR(
          Write(it->second, settings[i + 1].file, settings[i + 1].value));
      st = Write(it->second, s.file, s.value);
    }
    RETURN_IF_ERROR(st);
  }
  return absl::OkStatus();
}

absl::Status Cgroup::AddProcess(pid_t pid) const {
  std::set<std::string> done;
  for (const auto& [ctrl, dir] : dirs_) {
    if (!done.insert(dir).second) continue;
    RETURN_IF_ERROR(Write(dir, "cgroup.procs", absl::StrCat(pid)));
  }
  return absl::OkStatus();
}

absl::Status Cgroup::AddSelf(bool skip_unified) const {
  std::set<std::string> done;
  for (const auto& [ctrl, dir] : dirs_) {
    if (!done.insert(dir).second) continue;
    if (ctrl.empty() && skip_unified) continue;
    RETURN_IF_ERROR(Write(dir, ctrl.empty() ? "cgroup.procs" : "tasks", "0"));
  }
  return absl::OkStatus();
}

std::string Cgroup::UnifiedDir() const {
  auto it = dirs_.find("");
  return it == dirs_.end() ? "" : it->second;
}

std::vector<pid_t> Cgroup::Processes() const {
  std::vector<pid_t> pids;
  auto it = dirs_.count("pids") ? dirs_.find("pids") : dirs_.begin();
  if (it == dirs_.end()) return pids;
  auto text = ReadFile(it->second + "/cgroup.procs");
  if (!text.ok()) return pids;
  for (absl::string_view l : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    pid_t p;
    if (absl::SimpleAtoi(l, &p)) pids.push_back(p);
  }
  return pids;
}

Stats Cgroup::ReadStats() const {
  if (unified()) return ReadV2Stats(dirs_.at(""));
  return ReadV1Stats(dirs_);
}

absl::Status Cgroup::Destroy() const {
  // What is left is reported by the rmdir below.
  (void)KillAll(*this, absl::Seconds(2));
  absl::Status result;
  std::set<std::string> done;
  for (const auto& [ctrl, dir] : dirs_) {
    if (!done.insert(dir).second) continue;
    int rc = -1;
    for (int attempt = 0; attempt < 100; ++attempt) {
      rc = rmdir(dir.c_str());
      if (rc == 0 || errno != EBUSY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (rc != 0 && errno != ENOENT && result.ok()) {
      result = LastErrno(absl::StrCat("rmdir cgroup ", dir));
    }
  }
  return result;
}

}  // namespace crisp::runtime::cgroups
