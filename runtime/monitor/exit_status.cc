#include "runtime/monitor/exit_status.h"

#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/json.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "runtime/bundle.h"

namespace crisp::runtime::monitor {

absl::Status WriteExitStatus(const std::string& dir, const ExitStatus& s) {
  nlohmann::json j = {{"exitCode", s.exit_code},
                      {"signal", s.signal},
                      {"oomKilled", s.oom_killed},
                      {"startedAt", s.started_at},
                      {"finishedAt", s.finished_at}};
  if (!s.cannot_run.empty()) j["cannotRun"] = s.cannot_run;
  // Replaced, not thrown: the cause is the init's text, not always UTF-8.
  std::string text =
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return WriteFileAtomic(BundleLayout(dir).ExitJson(), text, 0644);
}

absl::StatusOr<ExitStatus> ReadExitStatus(const std::string& dir) {
  std::string path = BundleLayout(dir).ExitJson();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::string what = absl::StrCat("exit record ", path);
  ASSIGN_OR_RETURN(json::Json j, json::ParseObject(text, what));
  ExitStatus s;
  ASSIGN_OR_RETURN(int64_t code, json::Int64Or(j, "exitCode", 0, what));
  ASSIGN_OR_RETURN(int64_t signal, json::Int64Or(j, "signal", 0, what));
  ASSIGN_OR_RETURN(std::optional<bool> oom,
                   json::GetBool(j, "oomKilled", what));
  ASSIGN_OR_RETURN(s.started_at, json::Int64Or(j, "startedAt", 0, what));
  ASSIGN_OR_RETURN(s.finished_at, json::Int64Or(j, "finishedAt", 0, what));
  ASSIGN_OR_RETURN(s.cannot_run, json::StringOr(j, "cannotRun", "", what));
  s.exit_code = static_cast<int>(code);
  s.signal = static_cast<int>(signal);
  s.oom_killed = oom.value_or(false);
  return s;
}

ExitStatus FromWaitStatus(int wait_status) {
  ExitStatus s;
  if (WIFEXITED(wait_status)) s.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) {
    s.signal = WTERMSIG(wait_status);
    s.exit_code = 128 + s.signal;
  }
  return s;
}

}  // namespace crisp::runtime::monitor
