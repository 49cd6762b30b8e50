// One container's cgroup, cgroupfs driver: the directories under every v1
// hierarchy (hybrid nodes: plus the unified one, joined but not written),
// or one directory on a v2 node. The root of each hierarchy comes from the
// Layout, so tests run the writers on a temp dir.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/cgroups/layout.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::cgroups {

struct CgroupOptions {
  Layout layout;
  std::string path;           // linux.cgroupsPath, e.g. "/crisp/<id>"
  bool create_files = false;  // tests on a plain directory: O_CREAT
};

class Cgroup {
 public:
  // mkdir of every level (v1 cpuset levels get their parent's cpus/mems;
  // v2 ancestors get the controllers enabled). Existing dirs are reused.
  [[nodiscard]] static absl::StatusOr<Cgroup> Create(const CgroupOptions& o);
  // The same directories, without creating them (for update/stats/delete).
  static Cgroup Open(const CgroupOptions& o);

  // Writes every resource the kernel has; a file the kernel lacks is
  // skipped with a warning, any other failure is an error.
  [[nodiscard]] absl::Status Apply(const oci::Resources& resources) const;
  [[nodiscard]] absl::Status AddProcess(pid_t pid) const;
  // The calling single-threaded process joins: "0" into each v1 `tasks`
  // file, which the kernel migrates without its global threadgroup lock
  // (whose RCU sync costs ~8 ms per container); "0" into cgroup.procs of
  // the unified dir unless `skip_unified` (it was joined by
  // clone3(CLONE_INTO_CGROUP)).
  [[nodiscard]] absl::Status AddSelf(bool skip_unified) const;
  // The cgroup2 directory ("" on a v1-only node).
  std::string UnifiedDir() const;
  std::vector<pid_t> Processes() const;
  Stats ReadStats() const;
  // SIGKILLs what is left, waits for it to go, removes the directories.
  [[nodiscard]] absl::Status Destroy() const;

  bool unified() const { return options_.layout.mode == Mode::kUnified; }
  // controller → directory (v1); "" → directory (v2, or hybrid's unified).
  const std::map<std::string, std::string>& dirs() const { return dirs_; }

 private:
  explicit Cgroup(CgroupOptions o);
  [[nodiscard]] absl::Status Write(const std::string& dir,
                                   const std::string& file,
                                   const std::string& value) const;
  CgroupOptions options_;
  std::map<std::string, std::string> dirs_;
};

}  // namespace crisp::runtime::cgroups
