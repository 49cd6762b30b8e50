// A container's state directory (<root>/<id>/): state.json written
// atomically, the exec fifo that holds a created container before start,
// and the OCI state derived from them and from the init's liveness.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/process.h"
#include "nlohmann/json.hpp"

namespace crisp::runtime::state {

struct State {
  std::string id;
  std::string bundle;
  ProcessId init;
  std::string cgroup_path;
  int64_t created_ns = 0;
  bool terminal = false;
  std::map<std::string, std::string> annotations;
};

[[nodiscard]] absl::Status Save(const std::string& dir, const State& s);
[[nodiscard]] absl::StatusOr<State> Load(const std::string& dir);

// True when `pid` is gone or a zombie (exited, not yet reaped).
bool ProcessExited(pid_t pid);

// "created" (init waits on the fifo), "running", or "stopped".
std::string StatusOf(const std::string& dir, const State& s);

// The OCI state JSON that `crisp-runtime state` prints.
nlohmann::json OciState(const std::string& dir, const State& s);

}  // namespace crisp::runtime::state
