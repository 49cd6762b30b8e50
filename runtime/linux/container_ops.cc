// Start, kill, delete, update and stats of a created container, from its
// state dir.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "runtime/bundle.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/cgroups/kill.h"
#include "runtime/linux/container.h"
#include "runtime/linux/hooks.h"
#include "runtime/linux/state.h"
#include "runtime/linux/sync.h"
#include "runtime/oci/json.h"

namespace crisp::runtime {
namespace {

absl::StatusOr<cgroups::Cgroup> OpenCgroup(const state::State& s) {
  ASSIGN_OR_RETURN(cgroups::Layout layout, cgroups::DetectLayout());
  return cgroups::Cgroup::Open({layout, s.cgroup_path, false});
}

// A pidfd of the init, only if it is still the recorded process: a signal
// never reaches a recycled pid.
absl::StatusOr<UniqueFd> InitPidfd(const state::State& s) {
  auto fd = OpenProcess(s.init);
  if (!fd.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", s.id, " is not running"));
  }
  return std::move(*fd);
}

// poststart (after start) or poststop (after delete) from the bundle's spec.
absl::Status RunStateHooks(const state::State& s, const char* status,
                           bool poststop) {
  auto spec = oci::LoadBundle(s.bundle);
  if (!spec.ok() || !spec->hooks) return absl::OkStatus();
  std::string st =
      hooks::StateJson(s.id, status, s.init.pid, s.bundle, s.annotations);
  return poststop ? hooks::Run(spec->hooks->poststop, st, "poststop")
                  : hooks::Run(spec->hooks->poststart, st, "poststart");
}

constexpr absl::Duration kStartDeadline = absl::Seconds(30);
// SIGKILLed processes are gone within milliseconds; one in uninterruptible
// sleep (a hung NFS read) may take longer, and the caller holds a lock.
constexpr absl::Duration kKillTimeout = absl::Seconds(10);

// Whether the init's death ends every process of the container: only when
// the container owns its PID namespace. A spec that cannot be read any
// more counts as not: the cgroup holds no more than the container.
bool KilledByItsPidNamespace(const state::State& s) {
  auto spec = oci::LoadBundle(s.bundle);
  return spec.ok() && OwnsPidNamespace(*spec);
}

absl::Status SendSignal(const state::State& s, int pidfd, int signal) {
  if (syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) != 0) {
    return LastErrno(absl::StrCat("signal ", signal, " to container ", s.id));
  }
  return absl::OkStatus();
}

// After the init's byte: its end of the fifo stays open (close-on-exec)
// until its execve, so EOF is a start that happened; a sync::Message
// before it is why the command could not run (container_child.cc
// FailAfterStart). An init still on its way at the deadline (a slow
// startContainer hook) was released all the same: that start stands.
absl::Status AwaitExec(const state::State& s, int fd, absl::Time deadline) {
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, 100);
    if (n > 0) {
      sync::Message m;
      ssize_t got = read(fd, &m, sizeof(m));
      if (got == 0) return absl::OkStatus();
      if (got == sizeof(m) && m.kind == sync::Kind::kError) {
        // Not the child's code: a NotFound would read as "no such
        // container" to a CRI client; the container is what cannot run.
        return absl::FailedPreconditionError(
            sync::ErrorStatus(m, absl::StrCat("container ", s.id)).message());
      }
      if (got < 0 && errno != EAGAIN && errno != EINTR) {
        return LastErrno(absl::StrCat("container ", s.id, ": read exec fifo"));
      }
    }
    if (absl::Now() > deadline) {
      LOG(WARNING) << "container " << s.id
                   << ": released, its execve not seen in "
                   << absl::FormatDuration(kStartDeadline);
      return absl::OkStatus();
    }
  }
}

}  // namespace

absl::Status Start(const std::string& state_dir) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  std::string fifo = StateLayout(state_dir).ExecFifo();
  UniqueFd fd(open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", s.id, " is not in the created state"));
  }
  // The init opens the fifo for writing and writes one byte; it may die
  // first, so poll with a liveness check instead of blocking. An init that
  // said ready is at the fifo within milliseconds: one that is not there
  // in kStartDeadline never will be, and the caller holds a lock.
  absl::Time deadline = absl::Now() + kStartDeadline;
  bool released = false;  // here, not by an earlier start
  for (;;) {
    struct pollfd p = {fd.get(), POLLIN, 0};
    int n = poll(&p, 1, 100);
    char c;
    if (n > 0 && (p.revents & POLLIN) && read(fd.get(), &c, 1) == 1) {
      released = true;
      break;
    }
    if (!ProcessAlive(s.init)) {
      return absl::FailedPreconditionError(
          absl::StrCat("container ", s.id, " init exited before start"));
    }
    // Released by an earlier start that died before unlinking the fifo.
    if (state::StatusOf(state_dir, s) == "running") break;
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "container ", s.id, ": its init did not reach the exec fifo in ",
          absl::FormatDuration(kStartDeadline)));
    }
  }
  unlink(fifo.c_str());
  if (released) RETURN_IF_ERROR(AwaitExec(s, fd.get(), deadline));
  return RunStateHooks(s, "running", /*poststop=*/false);
}

absl::Status PostStart(const std::string& state_dir) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  return RunStateHooks(s, "running", /*poststop=*/false);
}

bool OwnsPidNamespace(const oci::Spec& spec) {
  return oci::HasNamespace(spec, "pid") &&
         oci::NamespacePath(spec, "pid").empty();
}

absl::Status KillAll(const std::string& state_dir, absl::Duration timeout) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  return Annotate(cgroups::KillAll(cg, timeout),
                  absl::StrCat("container ", s.id));
}

absl::Status SignalAll(const std::string& state_dir, int signal) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  return Annotate(cgroups::SignalAll(cg, signal),
                  absl::StrCat("container ", s.id));
}

absl::Status Kill(const std::string& state_dir, int signal) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  auto init = InitPidfd(s);
  if (signal == SIGKILL && !KilledByItsPidNamespace(s)) {
    absl::Status all = KillAll(state_dir, kKillTimeout);
    // A cgroup that cannot be emptied (a freezer write refused, say) must
    // not spare the init: it still gets its SIGKILL.
    if (!all.ok() && init.ok()) (void)SendSignal(s, init->get(), signal);
    RETURN_IF_ERROR(all);
    return init.status();
  }
  ASSIGN_OR_RETURN(UniqueFd pidfd, std::move(init));
  return SendSignal(s, pidfd.get(), signal);
}

absl::Status Delete(const std::string& state_dir, bool force) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  std::string status = state::StatusOf(state_dir, s);
  if (status == "running" && !force) {
    return absl::FailedPreconditionError(absl::StrCat(
        "container ", s.id, " is running: stop it or use --force"));
  }
  if (status != "stopped") {
    auto pidfd = InitPidfd(s);
    if (pidfd.ok()) {
      syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0);
    }
  }
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  RETURN_IF_ERROR(cg.Destroy());
  absl::Status hooks = RunStateHooks(s, "stopped", /*poststop=*/true);
  if (!hooks.ok()) LOG(WARNING) << hooks;  // poststop failures only warn
  return RemoveAll(state_dir);
}

absl::Status Update(const std::string& state_dir,
                    const oci::Resources& resources) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  return cg.Apply(resources);
}

absl::StatusOr<cgroups::Stats> ReadStats(const std::string& state_dir) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  return cg.ReadStats();
}

absl::StatusOr<std::vector<pid_t>> Processes(const std::string& state_dir) {
  ASSIGN_OR_RETURN(state::State s, state::Load(state_dir));
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, OpenCgroup(s));
  return cg.Processes();
}

}  // namespace crisp::runtime
