// Root test harness for the runtime: a busybox rootfs built from the
// node's busybox-static in a temp dir (applets as hard links, no network),
// bundles written from spec structs, and crisp-runtime / crisp-monitor run
// as real processes. Everything a test makes is removed in TearDown.
#pragma once

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// fork+exec with stdout/stderr captured; 60 s timeout kills it.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Kills the crisp-monitor of each container dir (its monitor.pid) and
// force-deletes the container: the clean-up of tests that start monitors.
void KillMonitorsAndDelete(const std::vector<std::string>& container_dirs);

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A spec like runc's default: all namespaces but user and network-less
  // mounts (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys), default
  // masked/readonly paths, runc's default capabilities.
  oci::Spec BaseSpec(std::vector<std::string> args) const;
  // Writes <tmp>/<id>/config.json and returns the bundle dir.
  std::string WriteBundle(const std::string& id, const oci::Spec& spec);
  // crisp-runtime --root <tmp>/state <args...>
  CommandResult Runtime(std::vector<std::string> args);
  // Bundle + `crisp-runtime run`.
  CommandResult RunContainer(const std::string& id, const oci::Spec& spec);
  // A unique container id for this test process.
  std::string Id(const std::string& name);
  std::string StateDir(const std::string& id) const { return root_ + "/" + id; }

  std::string tmp_, rootfs_, root_;
  std::vector<std::string> ids_;
};

}  // namespace crisp::runtime::testing
