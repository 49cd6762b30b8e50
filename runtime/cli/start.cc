// crisp-runtime start <id>: releases the init into execve.
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {

absl::Status Start(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  return runtime::Start(dir);
}

}  // namespace crisp::runtime::cli
