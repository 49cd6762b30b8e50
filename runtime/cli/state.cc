// crisp-runtime state <id>: the OCI state JSON on stdout.
#include <iostream>

#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/state.h"

namespace crisp::runtime::cli {

absl::Status State(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  ASSIGN_OR_RETURN(state::State s, state::Load(dir));
  std::cout << state::OciState(dir, s).dump(2) << std::endl;
  return absl::OkStatus();
}

}  // namespace crisp::runtime::cli
