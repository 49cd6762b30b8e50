// The process part of the spec, applied in the child right before execve:
// rlimits, oom_score_adj, user and groups, umask and cwd, the closing of
// inherited fds and the executable lookup.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/oci/spec.h"

namespace crisp::runtime::process {

[[nodiscard]] absl::Status SetRlimits(const std::vector<oci::Rlimit>& limits);

// Writes /proc/self/oom_score_adj and returns the value applied. Where the
// node refuses the value (nested and rootless nodes, this sandbox: no
// negative value), keeps the lowest value it allows and succeeds: a
// container never fails over this. Nothing is logged: the caller may be a
// container process whose stderr is the container's. crispd says once at
// start-up what the node allows (LowestOomScoreAdj).
[[nodiscard]] absl::StatusOr<int> SetOomScoreAdj(int value);

// The lowest oom_score_adj this process may set, found by trying; leaves the
// process's own value as it was.
[[nodiscard]] absl::StatusOr<int> LowestOomScoreAdj();

// The kernel calls behind SetGroups, replaceable in tests.
struct GroupCalls {
  std::function<int(const std::vector<gid_t>&)> set;        // setgroups(2)
  std::function<absl::StatusOr<std::vector<gid_t>>()> get;  // getgroups(2)
  std::string setgroups_file;  // /proc/self/setgroups, for the message
  static GroupCalls Real();
};

// setgroups(2). A refusal (EPERM where a user namespace denies setgroups)
// is an error unless the process already has exactly `groups`: it must
// never go on with supplementary groups it was not given.
[[nodiscard]] absl::Status SetGroups(
    std::vector<gid_t> groups, const GroupCalls& calls = GroupCalls::Real());

// setgroups + setresgid + setresuid, keeping capabilities across the uid
// change so that capabilities::Apply can set the final sets.
[[nodiscard]] absl::Status SetUser(const oci::User& user);

// Closes every fd >= 3 except `keep` (which become close-on-exec).
[[nodiscard]] absl::Status CloseFdsExcept(std::vector<int> keep);

// args[0] looked up in the PATH of `env` (or "/bin:/usr/bin" defaults).
[[nodiscard]] absl::StatusOr<std::string> FindExecutable(
    const std::string& arg0, const std::vector<std::string>& env);

// The exit code of an init that could not run its command after Start, as
// a shell and Docker give it: 127 when the command is not found, 126 when
// it cannot be executed (permission), 128 for any other failure.
int CannotRunExitCode(const absl::Status& failure);

// execve; returns only on failure.
[[nodiscard]] absl::Status Exec(const std::string& path,
                                const oci::Process& process);

}  // namespace crisp::runtime::process
