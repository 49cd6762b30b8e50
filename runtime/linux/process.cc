#include "runtime/linux/process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"

namespace crisp::runtime::process {
namespace {

const std::map<std::string, int>& RlimitTable() {
  static const auto* table =
      new std::map<std::string, int>{{"RLIMIT_AS", RLIMIT_AS},
                                     {"RLIMIT_CORE", RLIMIT_CORE},
                                     {"RLIMIT_CPU", RLIMIT_CPU},
                                     {"RLIMIT_DATA", RLIMIT_DATA},
                                     {"RLIMIT_FSIZE", RLIMIT_FSIZE},
                                     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
                                     {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
                                     {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
                                     {"RLIMIT_NICE", RLIMIT_NICE},
                                     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
                                     {"RLIMIT_NPROC", RLIMIT_NPROC},
                                     {"RLIMIT_RSS", RLIMIT_RSS},
                                     {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
                                     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
                                     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
                                     {"RLIMIT_STACK", RLIMIT_STACK}};
  return *table;
}

absl::Status WriteProc(const char* path, const std::string& value) {
  UniqueFd fd(open(path, O_WRONLY | O_CLOEXEC));
  if (!fd) return LastErrno(absl::StrCat("open ", path));
  if (write(fd.get(), value.data(), value.size()) < 0) {
    return LastErrno(absl::StrCat("write ", value, " to ", path));
  }
  return absl::OkStatus();
}

int CurrentOomScoreAdj() {
  auto current = ReadFile("/proc/self/oom_score_adj");
  int value = 0;
  if (!current.ok() ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(*current), &value)) {
    return 0;
  }
  return value;
}

}  // namespace

absl::Status SetRlimits(const std::vector<oci::Rlimit>& limits) {
  for (const oci::Rlimit& l : limits) {
    auto it = RlimitTable().find(l.type);
    if (it == RlimitTable().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("process.rlimits: unknown type ", l.type));
    }
    struct rlimit r = {l.soft, l.hard};
    if (setrlimit(it->second, &r) != 0) {
      return LastErrno(absl::StrCat("setrlimit ", l.type));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> SetOomScoreAdj(int value) {
  absl::Status st = WriteProc("/proc/self/oom_score_adj", absl::StrCat(value));
  if (st.ok()) return value;
  if (!absl::IsPermissionDenied(st)) return st;
  int hi = CurrentOomScoreAdj();  // a value the node accepts
  // Acceptance is monotonic (v >= some floor): bisect for the floor.
  int lo = value;
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (WriteProc("/proc/self/oom_score_adj", absl::StrCat(mid)).ok()) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  (void)WriteProc("/proc/self/oom_score_adj", absl::StrCat(hi));
  return hi;
}

absl::StatusOr<int> LowestOomScoreAdj() {
  int before = CurrentOomScoreAdj();
  absl::StatusOr<int> lowest = SetOomScoreAdj(-1000);
  RETURN_IF_ERROR(WriteProc("/proc/self/oom_score_adj", absl::StrCat(before)));
  return lowest;
}

GroupCalls GroupCalls::Real() {
  return {
      [](const std::vector<gid_t>& g) { return setgroups(g.size(), g.data()); },
      []() -> absl::StatusOr<std::vector<gid_t>> {
        int n = getgroups(0, nullptr);
        std::vector<gid_t> g(n > 0 ? n : 0);
        if (n < 0 || getgroups(n, g.data()) != n) {
          return LastErrno("getgroups");
        }
        return g;
      },
      "/proc/self/setgroups"};
}

absl::Status SetGroups(std::vector<gid_t> groups, const GroupCalls& calls) {
  if (calls.set(groups) == 0) return absl::OkStatus();
  int err = errno;
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  ASSIGN_OR_RETURN(std::vector<gid_t> current, calls.get());
  std::sort(current.begin(), current.end());
  current.erase(std::unique(current.begin(), current.end()), current.end());
  // Nothing would change: a refusal costs nothing (runc skips the call
  // where setgroups is denied).
  if (current == groups) return absl::OkStatus();
  // Otherwise the process would keep groups it was not given, perhaps the
  // host's root group inherited from the monitor.
  auto policy = ReadFile(calls.setgroups_file);
  std::string why = policy.ok() && absl::StripAsciiWhitespace(*policy) == "deny"
                        ? " (setgroups is denied in this user namespace)"
                        : "";
  return crisp::ErrnoToStatus(
      err, absl::StrCat("setgroups [", absl::StrJoin(groups, ","), "]", why,
                        ": the process would keep its groups [",
                        absl::StrJoin(current, ","), "]"));
}

absl::Status SetUser(const oci::User& user) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
    return LastErrno("prctl PR_SET_KEEPCAPS");
  }
  RETURN_IF_ERROR(SetGroups(std::vector<gid_t>(user.additional_gids.begin(),
                                               user.additional_gids.end())));
  if (setresgid(user.gid, user.gid, user.gid) != 0) {
    return LastErrno(absl::StrCat("setresgid ", user.gid));
  }
  if (setresuid(user.uid, user.uid, user.uid) != 0) {
    return LastErrno(absl::StrCat("setresuid ", user.uid));
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) {
    return LastErrno("prctl clear PR_SET_KEEPCAPS");
  }
  return absl::OkStatus();
}

absl::Status CloseFdsExcept(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned int from = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > from) {
      syscall(SYS_close_range, from, fd - 1, 0);
    }
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return LastErrno(absl::StrCat("set close-on-exec on fd ", fd));
    }
    from = static_cast<unsigned>(fd) + 1;
  }
  if (syscall(SYS_close_range, from, ~0U, 0) != 0) {
    return LastErrno("close_range");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FindExecutable(
    const std::string& arg0, const std::vector<std::string>& env) {
  if (absl::StrContains(arg0, '/')) {
    if (access(arg0.c_str(), X_OK) == 0) return arg0;
    return LastErrno(absl::StrCat("executable ", arg0));
  }
  std::string path =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
      "/sbin:/bin";
  for (const std::string& e : env) {
    if (absl::StartsWith(e, "PATH=")) path = e.substr(5);
  }
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", arg0);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return absl::NotFoundError(
      absl::StrCat("executable \"", arg0, "\" not found in $PATH ", path));
}

int CannotRunExitCode(const absl::Status& failure) {
  if (absl::IsNotFound(failure)) return 127;
  if (absl::IsPermissionDenied(failure)) return 126;
  return 128;
}

absl::Status Exec(const std::string& path, const oci::Process& process) {
  std::vector<char*> argv, envp;
  for (const auto& a : process.args)
    argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : process.env)
    envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  execve(path.c_str(), argv.data(), envp.data());
  return LastErrno(absl::StrCat("execve ", path));
}

}  // namespace crisp::runtime::process
