// What a crispd under test has made on the host, so a test can prove that
// an interrupted or failed operation left nothing behind: take a snapshot
// before, another after, and compare. Everything is found from the test's
// own directories, bridge and cgroup parent, so daemons of other tests
// running at the same time never count.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace crisp::testing {

struct LeakScope {
  std::string dir;            // the crispd's temp dir (root, state, ipam)
  std::string bridge;         // its CNI bridge: veths attached to it
  std::string cgroup_parent;  // e.g. "/crispfp123": the pods' cgroup parent
};

struct HostResources {
  std::set<std::string> files;      // under root/, state/, ipam/ (not the DB)
  std::set<std::string> mounts;     // mount points under dir
  std::set<std::string> processes;  // live crisp-monitor/crisp-pause of ours
  std::set<std::string> veths;      // links whose master is the bridge
  std::set<std::string> cgroups;    // dirs under the parent, any hierarchy
};

HostResources TakeSnapshot(const LeakScope& scope);

// One line per resource in `after` that is not in `before` ("mount /x",
// "process 123 crisp-monitor --id ..."); empty when nothing leaked.
std::vector<std::string> NewResources(const HostResources& before,
                                      const HostResources& after);

// The live (not zombie) processes whose argv[0] ends in `name` and whose
// command line mentions `needle`, as "pid cmdline".
std::set<std::string> ProcessesOf(const std::string& name,
                                  const std::string& needle);

}  // namespace crisp::testing
