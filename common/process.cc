#include "common/process.h"
#include "absl/strings/string_view.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status.h"

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

namespace {

constexpr long kPidfsMagic = 0x50494446;  // PID_FS_MAGIC, Linux 6.9+

// The pidfs inode of `pidfd`, or 0 where pidfds are anonymous inodes (all
// pidfds share one inode there, so it names nothing).
uint64_t PidfsInode(int pidfd) {
  struct statfs fs;
  struct stat st;
  if (fstatfs(pidfd, &fs) != 0 || fs.f_type != kPidfsMagic) return 0;
  if (fstat(pidfd, &st) != 0) return 0;
  return st.st_ino;
}

absl::Status NotTheProcess(const ProcessId& id) {
  return absl::NotFoundError(absl::StrCat("process ", id.pid,
                                          " has exited (its pid is free or ",
                                          "names another process)"));
}

}  // namespace

absl::StatusOr<ProcessId> IdentifyProcess(pid_t pid, int pidfd) {
  ASSIGN_OR_RETURN(uint64_t start, ProcessStartTime(pid));
  return ProcessId{pid, start, PidfsInode(pidfd)};
}

absl::StatusOr<ProcessId> IdentifyProcess(pid_t pid) {
  UniqueFd fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!fd) {
    if (errno == ESRCH)
      return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
    return LastErrno(absl::StrCat("pidfd of process ", pid));
  }
  return IdentifyProcess(pid, fd.get());
}

absl::StatusOr<UniqueFd> OpenProcess(const ProcessId& id) {
  if (id.pid <= 0) return NotTheProcess(id);
  UniqueFd fd(static_cast<int>(syscall(SYS_pidfd_open, id.pid, 0)));
  if (!fd) {
    if (errno == ESRCH) return NotTheProcess(id);
    return LastErrno(absl::StrCat("pidfd of process ", id.pid));
  }
  auto now = IdentifyProcess(id.pid, fd.get());
  if (!now.ok() || now->start_time != id.start_time) return NotTheProcess(id);
  if (id.pidfs_ino != 0 && now->pidfs_ino != 0 &&
      now->pidfs_ino != id.pidfs_ino) {
    return NotTheProcess(id);
  }
  return fd;
}

bool ProcessAlive(const ProcessId& id) {
  if (id.pid <= 0) return false;
  if (id.pidfs_ino != 0) return OpenProcess(id).ok();
  auto start = ProcessStartTime(id.pid);
  return start.ok() && *start == id.start_time;
}

int64_t NowUnixNanos() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace crisp
