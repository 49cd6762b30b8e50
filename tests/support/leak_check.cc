#include "tests/support/leak_check.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace crisp::testing {
namespace {

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The database and the locks change with every call; they are not leaks.
bool Volatile(const std::string& name) {
  return absl::StartsWith(name, "crisp.db") || absl::EndsWith(name, ".lock") ||
         name == "lock" || absl::StartsWith(name, "last_reserved_ip");
}

// A pod's or container's directory is named by its 64-hex-digit id.
bool IdNamed(const std::string& name) {
  return name.size() == 64 &&
         name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Files, and directories named by an id; the other directories (ns/net,
// cni/results) are made once, by the first pod, and stay.
void Walk(const std::string& dir, bool dirs_only, std::set<std::string>& out) {
  for (const std::string& n : Entries(dir)) {
    std::string path = dir + "/" + n;
    bool is_dir = IsDir(path);
    if (Volatile(n) && !is_dir) continue;
    if (dirs_only ? is_dir : (!is_dir || IdNamed(n))) out.insert(path);
    // A mounted rootfs is the container's, counted as a mount.
    if (is_dir && n != "rootfs") Walk(path, dirs_only, out);
  }
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> MountsUnder(const std::string& dir) {
  std::set<std::string> out;
  std::istringstream in(Slurp("/proc/self/mountinfo"));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() > 4 && absl::StartsWith(f[4], dir + "/")) out.insert(f[4]);
  }
  return out;
}

bool Zombie(const std::string& pid) {
  std::string stat = Slurp("/proc/" + pid + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ||
         stat[paren + 2] == 'Z' || stat[paren + 2] == 'X';
}

std::set<std::string> Veths(const std::string& bridge) {
  std::set<std::string> out;
  std::string dir = "/sys/class/net/" + bridge + "/brif";
  for (const std::string& n : Entries(dir)) out.insert(n);
  return out;
}

std::set<std::string> Cgroups(const std::string& parent) {
  std::set<std::string> out;
  if (parent.empty()) return out;
  for (const std::string& h : Entries("/sys/fs/cgroup")) {
    std::string root = "/sys/fs/cgroup/" + h;
    if (!IsDir(root)) continue;
    Walk(root + parent, /*dirs_only=*/true, out);
  }
  return out;
}

}  // namespace

std::set<std::string> ProcessesOf(const std::string& name,
                                  const std::string& needle) {
  std::set<std::string> out;
  for (const std::string& pid : Entries("/proc")) {
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = Slurp("/proc/" + pid + "/cmdline");
    std::vector<std::string> argv = absl::StrSplit(cmd, '\0');
    if (argv.empty() || !absl::EndsWith(argv[0], name)) continue;
    if (!absl::StrContains(cmd, needle) || Zombie(pid)) continue;
    out.insert(absl::StrCat(pid, " ", absl::StrJoin(argv, " ")));
  }
  return out;
}

HostResources TakeSnapshot(const LeakScope& scope) {
  HostResources r;
  for (const char* sub : {"/root", "/state", "/ipam"}) {
    Walk(scope.dir + sub, /*dirs_only=*/false, r.files);
  }
  r.mounts = MountsUnder(scope.dir);
  std::string state = scope.dir + "/state/";
  for (const char* name : {"crisp-monitor", "crisp-pause"}) {
    std::set<std::string> p = ProcessesOf(name, state);
    r.processes.insert(p.begin(), p.end());
  }
  r.veths = Veths(scope.bridge);
  r.cgroups = Cgroups(scope.cgroup_parent);
  return r;
}

std::vector<std::string> NewResources(const HostResources& before,
                                      const HostResources& after) {
  std::vector<std::string> out;
  auto diff = [&](const char* kind, const std::set<std::string>& b,
                  const std::set<std::string>& a) {
    for (const std::string& x : a) {
      if (b.count(x) == 0) out.push_back(absl::StrCat(kind, " ", x));
    }
  };
  diff("file", before.files, after.files);
  diff("mount", before.mounts, after.mounts);
  diff("process", before.processes, after.processes);
  diff("veth", before.veths, after.veths);
  diff("cgroup", before.cgroups, after.cgroups);
  return out;
}

}  // namespace crisp::testing
