// crisp-runtime kill <id> [SIGNAL]: a name (TERM, SIGKILL) or a number.
#include <signal.h>
#include <string.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"

namespace crisp::runtime::cli {
namespace {

absl::StatusOr<int> ParseSignal(std::string name) {
  int n;
  if (absl::SimpleAtoi(name, &n) && n > 0 && n < NSIG) return n;
  name = absl::AsciiStrToUpper(name);
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (int s = 1; s < NSIG; ++s) {
    const char* abbrev = sigabbrev_np(s);
    if (abbrev != nullptr && name == abbrev) return s;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown signal ", name));
}

}  // namespace

absl::Status Kill(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  std::string name = args.positional.size() > 1 ? args.positional[1] : "TERM";
  ASSIGN_OR_RETURN(int sig, ParseSignal(name));
  if (!args.Has("all")) return runtime::Kill(dir, sig);
  return runtime::SignalAll(dir, sig);
}

}  // namespace crisp::runtime::cli
