#include "server/specgen/signal.h"

#include <csignal>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace crisp::server::specgen {
namespace {

// The kernel's numbering (glibc keeps 32 and 33 for itself, so the first
// real-time signal a container can use is 34), as Docker names them.
constexpr int kRtMin = 34;
constexpr int kRtMax = 64;

const std::map<std::string, int>& SignalTable() {
  static const auto* table = new std::map<std::string, int>{
      {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},
      {"ILL", SIGILL},       {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
      {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},
      {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
      {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
      {"TERM", SIGTERM},     {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
      {"CLD", SIGCHLD},      {"CONT", SIGCONT},     {"STOP", SIGSTOP},
      {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
      {"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},
      {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH},
      {"IO", SIGIO},         {"POLL", SIGPOLL},     {"PWR", SIGPWR},
      {"SYS", SIGSYS},       {"RTMIN", kRtMin},     {"RTMAX", kRtMax}};
  return *table;
}

// "RTMIN+3" / "RTMAX-2".
int RealTimeSignal(const std::string& name) {
  for (const auto& [base, sign] :
       {std::pair<std::string, int>{"RTMIN+", 1}, {"RTMAX-", -1}}) {
    int offset = 0;
    if (absl::StartsWith(name, base) &&
        absl::SimpleAtoi(name.substr(base.size()), &offset) && offset >= 0) {
      int n = (sign > 0 ? kRtMin : kRtMax) + sign * offset;
      if (n >= kRtMin && n <= kRtMax) return n;
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<int> SignalNumber(const std::string& name) {
  int n = 0;
  if (absl::SimpleAtoi(name, &n)) {
    if (n > 0 && n <= kRtMax) return n;
  } else {
    std::string upper = absl::AsciiStrToUpper(name);
    if (absl::StartsWith(upper, "SIG")) upper = upper.substr(3);
    auto it = SignalTable().find(upper);
    if (it != SignalTable().end()) return it->second;
    if (int rt = RealTimeSignal(upper); rt != 0) return rt;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("signal \"", name, "\": unknown signal"));
}

}  // namespace crisp::server::specgen
