#include "server/spec/image_config.h"

#include <csignal>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace crisp::server::spec {
namespace {

using nlohmann::json;

absl::Status FieldError(absl::string_view field, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("image config: config.", field, ": expected ", want));
}

absl::Status ReadStrings(const json& config, const char* field,
                         std::vector<std::string>& out) {
  auto it = config.find(field);
  if (it == config.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_array()) return FieldError(field, "an array of strings");
  for (const json& s : *it) {
    if (!s.is_string()) return FieldError(field, "an array of strings");
    out.push_back(s.get<std::string>());
  }
  return absl::OkStatus();
}

absl::Status ReadString(const json& config, const char* field,
                        std::string& out) {
  auto it = config.find(field);
  if (it == config.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return FieldError(field, "a string");
  out = it->get<std::string>();
  return absl::OkStatus();
}

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

absl::StatusOr<ImageConfig> ParseImageConfig(const std::string& text) {
  ImageConfig out;
  if (text.empty()) return out;
  json blob = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (blob.is_discarded() || !blob.is_object()) {
    return absl::InvalidArgumentError("image config: not a JSON object");
  }
  auto it = blob.find("config");
  if (it == blob.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return absl::InvalidArgumentError("image config: config: expected object");
  }
  const json& c = *it;
  RETURN_IF_ERROR(ReadStrings(c, "Env", out.env));
  RETURN_IF_ERROR(ReadStrings(c, "Entrypoint", out.entrypoint));
  RETURN_IF_ERROR(ReadStrings(c, "Cmd", out.cmd));
  RETURN_IF_ERROR(ReadString(c, "WorkingDir", out.working_dir));
  RETURN_IF_ERROR(ReadString(c, "User", out.user));
  RETURN_IF_ERROR(ReadString(c, "StopSignal", out.stop_signal));
  return out;
}

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

}  // namespace crisp::server::spec
