#include "runtime/monitor/exit_status.h"

#include <sys/wait.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/bundle.h"

namespace crisp::runtime::monitor {

absl::Status WriteExitStatus(const std::string& dir, const ExitStatus& s) {
  // Hand-written JSON: the monitor links no JSON library code path here.
  std::string text =
      absl::StrCat("{\"exitCode\":", s.exit_code, ",\"signal\":", s.signal,
                   ",\"oomKilled\":", s.oom_killed ? "true" : "false",
                   ",\"startedAt\":", s.started_at,
                   ",\"finishedAt\":", s.finished_at, "}\n");
  return WriteFileAtomic(BundleLayout(dir).ExitJson(), text, 0644);
}

absl::StatusOr<ExitStatus> ReadExitStatus(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(BundleLayout(dir).ExitJson()));
  ExitStatus s;
  for (absl::string_view kv :
       absl::StrSplit(text, absl::ByAnyChar("{},\n"), absl::SkipEmpty())) {
    std::pair<std::string, std::string> p =
        absl::StrSplit(kv, absl::MaxSplits(':', 1));
    const std::string& k = p.first;
    const std::string& v = p.second;
    if (k == "\"exitCode\"") (void)absl::SimpleAtoi(v, &s.exit_code);
    if (k == "\"signal\"") (void)absl::SimpleAtoi(v, &s.signal);
    if (k == "\"oomKilled\"") s.oom_killed = v == "true";
    if (k == "\"startedAt\"") (void)absl::SimpleAtoi(v, &s.started_at);
    if (k == "\"finishedAt\"") (void)absl::SimpleAtoi(v, &s.finished_at);
  }
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
