#include "runtime/cgroups/kill.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace crisp::runtime::cgroups {
namespace {

std::set<pid_t> ReadProcs(const std::string& dir) {
  std::set<pid_t> pids;
  auto text = ReadFile(dir + "/cgroup.procs");
  if (!text.ok()) return pids;
  for (absl::string_view l : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    pid_t p;
    if (absl::SimpleAtoi(l, &p) && p > 0) pids.insert(p);
  }
  return pids;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// A cgroup that is gone (ENOENT) has nothing left to signal.
absl::Status WriteControl(const std::string& path, absl::string_view value) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd && errno == ENOENT) return absl::OkStatus();
  if (!fd) return LastErrno(absl::StrCat("open ", path));
  if (write(fd.get(), value.data(), value.size()) < 0 && errno != ENOENT) {
    return LastErrno(absl::StrCat("write \"", value, "\" to ", path));
  }
  return absl::OkStatus();
}

// Where one method reads the pids and how it freezes them; an empty
// `file` signals without freezing (no freezer on the node).
struct Freezer {
  std::string dir;
  std::string file;  // cgroup.freeze | freezer.state | ""
  std::string freeze, thaw;
  bool v1 = false;
};

absl::StatusOr<Freezer> FreezerFor(const Cgroup& cg, KillMethod method) {
  std::string unified = cg.UnifiedDir();
  if (method == KillMethod::kFreezeV2) {
    if (unified.empty()) {
      return absl::FailedPreconditionError("cgroup2 is not mounted");
    }
    return Freezer{unified, "cgroup.freeze", "1", "0", false};
  }
  auto it = cg.dirs().find("freezer");
  if (it != cg.dirs().end()) {
    return Freezer{it->second, "freezer.state", "FROZEN", "THAWED", true};
  }
  if (cg.dirs().empty()) return absl::FailedPreconditionError("no cgroup");
  return Freezer{cg.dirs().begin()->second, "", "", "", false};
}

bool Frozen(const Freezer& f) {
  if (f.v1) {
    auto state = ReadFile(f.dir + "/freezer.state");
    return !state.ok() || absl::StripAsciiWhitespace(*state) == "FROZEN";
  }
  auto events = ReadFile(f.dir + "/cgroup.events");
  return !events.ok() || absl::StrContains(*events, "frozen 1");
}

// Signals each listed process through a pidfd opened before a second read
// of the list: a process still alive when signalled held its pid since the
// pidfd was opened, so its pid in the second list was that process.
void SignalListed(const std::string& dir, int signal) {
  std::vector<std::pair<pid_t, UniqueFd>> open;
  for (pid_t pid : ReadProcs(dir)) {
    UniqueFd fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (fd) open.emplace_back(pid, std::move(fd));
  }
  std::set<pid_t> still = ReadProcs(dir);
  for (const auto& [pid, fd] : open) {
    if (still.count(pid)) {
      syscall(SYS_pidfd_send_signal, fd.get(), signal, nullptr, 0);
    }
  }
}

// A cgroup left frozen keeps every process in it, the SIGKILLed ones too
// on v1, until someone thaws it: a failed thaw is retried for a second.
absl::Status Thaw(const Freezer& f) {
  absl::Status st;
  for (int attempt = 0; attempt < 100; ++attempt) {
    st = failpoint::Hit("runtime.kill.before_thaw");
    if (st.ok()) st = WriteControl(f.dir + "/" + f.file, f.thaw);
    if (st.ok()) return st;
    usleep(10000);
  }
  return Annotate(st, absl::StrCat("cgroup ", f.dir, " is left frozen"));
}

// Frozen, no process can fork a new one we would miss, nor exit and free
// its pid (v2 lets a SIGKILLed task exit while frozen; v1 after the thaw).
absl::Status FreezeAndSignal(const Freezer& f, int signal) {
  if (!Exists(f.dir)) return absl::OkStatus();
  if (!f.file.empty()) {
    RETURN_IF_ERROR(WriteControl(f.dir + "/" + f.file, f.freeze));
    // A task in uninterruptible sleep delays the freeze: signal anyway
    // after a moment, the caller's next round catches what forked.
    absl::Time until = absl::Now() + absl::Seconds(1);
    while (!Frozen(f) && absl::Now() < until) usleep(1000);
  }
  SignalListed(f.dir, signal);
  if (f.file.empty()) return absl::OkStatus();
  return Thaw(f);
}

absl::Status KillOnce(const Cgroup& cg, KillMethod method) {
  if (method == KillMethod::kCgroupKill) {
    std::string unified = cg.UnifiedDir();
    if (unified.empty()) {
      return absl::FailedPreconditionError("cgroup2 is not mounted");
    }
    return WriteControl(unified + "/cgroup.kill", "1");
  }
  ASSIGN_OR_RETURN(Freezer f, FreezerFor(cg, method));
  return FreezeAndSignal(f, SIGKILL);
}

KillMethod Resolve(const Cgroup& cg, KillMethod method) {
  if (method != KillMethod::kAuto) return method;
  std::string unified = cg.UnifiedDir();
  if (!unified.empty() && Exists(unified + "/cgroup.kill")) {
    return KillMethod::kCgroupKill;
  }
  if (!cg.dirs().count("freezer") && !unified.empty()) {
    return KillMethod::kFreezeV2;
  }
  return KillMethod::kFreezeV1;  // without a freezer: signals only
}

std::set<pid_t> Left(const Cgroup& cg) {
  std::set<pid_t> left;
  for (const auto& [ctrl, dir] : cg.dirs()) {
    std::set<pid_t> pids = ReadProcs(dir);
    left.insert(pids.begin(), pids.end());
  }
  return left;
}

}  // namespace

bool Empty(const Cgroup& cg) { return Left(cg).empty(); }

absl::Status SignalAll(const Cgroup& cg, int signal) {
  KillMethod method = cg.UnifiedDir().empty() || cg.dirs().count("freezer")
                          ? KillMethod::kFreezeV1
                          : KillMethod::kFreezeV2;
  ASSIGN_OR_RETURN(Freezer f, FreezerFor(cg, method));
  return FreezeAndSignal(f, signal);
}

absl::Status KillAll(const Cgroup& cg, absl::Duration timeout,
                     KillMethod method) {
  KillMethod first = Resolve(cg, method);
  absl::Time deadline = absl::Now() + timeout;
  for (int round = 0;; ++round) {
    // A process that joined only some hierarchies escapes cgroup.kill:
    // from the second round on, kAuto also signals through the freezer.
    KillMethod m = round > 0 && method == KillMethod::kAuto &&
                           first == KillMethod::kCgroupKill
                       ? (round % 2 ? KillMethod::kFreezeV1 : first)
                       : first;
    RETURN_IF_ERROR(KillOnce(cg, m));
    usleep(round < 10 ? 2000 : 10000);
    std::set<pid_t> left = Left(cg);
    if (left.empty()) return absl::OkStatus();
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("cgroup ", cg.dirs().begin()->second, ": processes ",
                       absl::StrJoin(left, ","), " still there ",
                       absl::FormatDuration(timeout), " after SIGKILL"));
    }
  }
}

}  // namespace crisp::runtime::cgroups
