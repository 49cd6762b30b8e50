#include "common/process.h"
#include "absl/strings/string_view.h"

#include <time.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"

namespace crisp {

absl::StatusOr<uint64_t> ProcessStartTime(pid_t pid) {
  auto stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return stat.status();
  // The command name (field 2) may hold spaces and parentheses: fields are
  // counted from the last ')'.
  auto close = stat->rfind(')');
  if (close == std::string::npos) {
    return absl::InternalError(absl::StrCat("/proc/", pid, "/stat: malformed"));
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(close + 2), ' ');
  // fields[0] is field 3 (state); field 22 is fields[19].
  uint64_t start = 0;
  if (fields.size() < 20 || !absl::SimpleAtoi(fields[19], &start)) {
    return absl::InternalError(
        absl::StrCat("/proc/", pid, "/stat: no start time"));
  }
  return start;
}

bool ProcessAlive(const ProcessId& id) {
  if (id.pid <= 0) return false;
  auto start = ProcessStartTime(id.pid);
  return start.ok() && *start == id.start_time;
}

int64_t NowUnixNanos() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace crisp
