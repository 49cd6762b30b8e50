// crisp-runtime ps [--format json] <id>: the pids in the container's cgroup.
#include <iostream>

#include "common/status.h"
#include "nlohmann/json.hpp"
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {

absl::Status Ps(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  ASSIGN_OR_RETURN(std::vector<pid_t> pids, runtime::Processes(dir));
  if (args.Get("format") == "json") {
    std::cout << nlohmann::json(pids).dump() << std::endl;
    return absl::OkStatus();
  }
  std::cout << "PID" << std::endl;
  for (pid_t p : pids) std::cout << p << std::endl;
  return absl::OkStatus();
}

}  // namespace crisp::runtime::cli
