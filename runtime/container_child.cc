// The recipe of a container's init, from clone to execve. Each step returns
// on failure; RunChild reports the failing step and status to the parent.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "runtime/child.h"
#include "runtime/console.h"
#include "runtime/devices.h"
#include "runtime/hooks.h"
#include "runtime/lsm.h"
#include "runtime/mounts.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/procfs.h"
#include "runtime/rootfs.h"
#include "runtime/sync.h"

namespace crisp::runtime {
namespace {

// Returns the step's failure, prefixed with the step's name.
#define STEP(name, expr)                     \
  do {                                       \
    absl::Status s_ = (expr);                \
    if (!s_.ok()) return Annotate(s_, name); \
  } while (0)

absl::Status WaitForGo(int sync_fd) {
  ASSIGN_OR_RETURN(sync::Message m, sync::Receive(sync_fd, "parent"));
  if (m.kind != sync::Kind::kGo) return absl::InternalError("expected go");
  return absl::OkStatus();
}

absl::Status SetHostname(const spec::Spec& spec) {
  if (!spec.hostname.empty() &&
      sethostname(spec.hostname.data(), spec.hostname.size()) != 0) {
    return LastErrno("sethostname");
  }
  if (!spec.domainname.empty() &&
      setdomainname(spec.domainname.data(), spec.domainname.size()) != 0) {
    return LastErrno("setdomainname");
  }
  return absl::OkStatus();
}

// The state a hook run by the init reads (pid 0: the init's pid as the
// runtime sees it is not known inside its pid namespace).
std::string HookState(const ChildPlan& plan, const char* status) {
  return hooks::StateJson(plan.id, status, 0, plan.bundle,
                          plan.spec->annotations);
}

bool HasMountAt(const spec::Spec& spec, const std::string& dest) {
  for (const auto& m : spec.mounts) {
    if (m.destination == dest) return true;
  }
  return false;
}

// containMountNs: the rootfs and everything mounted in it, pivot_root, then
// the paths hidden or made read-only.
absl::Status ContainMountNs(const ChildPlan& plan) {
  const spec::Spec& spec = *plan.spec;
  const spec::Linux empty;
  const spec::Linux& linux = spec.linux ? *spec.linux : empty;
  bool userns = spec::HasNamespace(spec, "user");
  const std::string& root = spec.root->path;
  ASSIGN_OR_RETURN(UniqueFd root_fd,
                   rootfs::Prepare(root, linux.rootfs_propagation));
  RETURN_IF_ERROR(mounts::MountAll({root_fd.get(), userns}, spec.mounts));
  if (HasMountAt(spec, "/dev")) {
    RETURN_IF_ERROR(devices::CreateDevices(root_fd.get(),
                                           devices::DefaultDevices(), userns));
    RETURN_IF_ERROR(devices::CreateSymlinks(root_fd.get()));
  }
  RETURN_IF_ERROR(devices::CreateDevices(root_fd.get(), linux.devices, userns));
  if (spec.hooks) {
    RETURN_IF_ERROR(hooks::Run(spec.hooks->create_container,
                               HookState(plan, "created"), "createContainer"));
  }
  RETURN_IF_ERROR(rootfs::PivotRoot(root, linux.rootfs_propagation));
  RETURN_IF_ERROR(rootfs::MaskPaths(linux.masked_paths));
  RETURN_IF_ERROR(rootfs::ReadonlyPaths(linux.readonly_paths));
  if (spec.root->readonly) RETURN_IF_ERROR(rootfs::RemountRootReadonly());
  return absl::OkStatus();
}

absl::Status SetSysctls(const spec::Spec& spec) {
  if (!spec.linux) return absl::OkStatus();
  for (const auto& [key, value] : spec.linux->sysctl) {
    std::string path = "/proc/sys/" + absl::StrReplaceAll(key, {{".", "/"}});
    UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd || write(fd.get(), value.data(), value.size()) < 0) {
      return LastErrno(absl::StrCat("linux.sysctl ", key));
    }
  }
  return absl::OkStatus();
}

// The terminal's pty is made on the container's devpts and its master sent
// to the parent; otherwise the given stdio fds become 0, 1 and 2.
absl::Status SetupStdio(const ChildPlan& plan, const spec::Process& p) {
  if (!p.terminal) {
    for (int i = 0; i < 3; ++i) {
      if (plan.stdio[i] != i && dup2(plan.stdio[i], i) < 0) {
        return LastErrno(absl::StrCat("dup2 stdio ", i));
      }
    }
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(console::Pty pty, console::OpenPty());
  if (p.console_size) {
    RETURN_IF_ERROR(console::SetSize(pty.master.get(), p.console_size->height,
                                     p.console_size->width));
  }
  if (!plan.exec_only) RETURN_IF_ERROR(console::MountConsole(pty.master.get()));
  RETURN_IF_ERROR(sync::Send(plan.sync_fd, sync::Kind::kPty));
  RETURN_IF_ERROR(console::SendFd(plan.sync_fd, pty.master.get(), "pty"));
  return console::UseAsStdio(pty.slave.get());
}

// The host's /proc/self/fd, opened before the container's mounts exist: the
// exec fifo is reopened through it, never through a /proc the container's
// mounts could fake (a volume over /proc with a self/fd/ of its own would
// let the init run before Start, or die unseen).
absl::StatusOr<UniqueFd> OpenOwnFds(const ChildPlan& plan) {
  if (plan.fifo_fd < 0) return UniqueFd();
  UniqueFd dir(open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return LastErrno("open /proc/self/fd");
  RETURN_IF_ERROR(procfs::Check(dir.get(), "/proc/self/fd"));
  return dir;
}

// Returns the fifo's write end (none without a fifo), kept open until the
// execve closes it: Start reads on to that EOF, or to the failure the init
// writes there instead (FailAfterStart).
absl::StatusOr<UniqueFd> ReadyAndWait(const ChildPlan& plan, int own_fds) {
  RETURN_IF_ERROR(sync::Send(plan.sync_fd, sync::Kind::kReady));
  if (plan.fifo_fd < 0) return UniqueFd();
  // Blocks until Start opens the fifo for reading.
  UniqueFd fifo(openat(own_fds, absl::StrCat(plan.fifo_fd).c_str(),
                       O_WRONLY | O_CLOEXEC));
  if (!fifo) return LastErrno("open exec fifo");
  if (write(fifo.get(), "0", 1) != 1) return LastErrno("write exec fifo");
  return fifo;
}

// The init failed after Start released it: the failure goes to the monitor
// (the sync socket: it records why the container could not run), to Start
// (the fifo), and to the container's log; the exit code says it the way a
// shell would (process::CannotRunExitCode).
[[noreturn]] void FailAfterStart(const ChildPlan& plan, int fifo,
                                 const absl::Status& st) {
  (void)signal(SIGPIPE, SIG_IGN);  // a gone Start must not decide the code
  sync::SendError(plan.sync_fd, "start", st);
  sync::Message m = sync::ErrorMessage("start", st);
  (void)!write(fifo, &m, sizeof(m));  // one write under PIPE_BUF: atomic
  std::string line = absl::StrCat("crisp: ", st.message(), "\n");
  (void)!write(2, line.data(), line.size());
  _exit(process::CannotRunExitCode(st));
}

// In a new user namespace the init starts as the overflow uid; files it
// creates (mount points, device nodes) must belong to the container's root.
absl::Status BecomeRoot() {
  if (setresgid(0, 0, 0) != 0) return LastErrno("setresgid 0 in user ns");
  if (setresuid(0, 0, 0) != 0) return LastErrno("setresuid 0 in user ns");
  return absl::OkStatus();
}

absl::Status ApplyOomScoreAdj(const spec::Process& p) {
  if (!p.oom_score_adj) return absl::OkStatus();
  return process::SetOomScoreAdj(*p.oom_score_adj).status();
}

absl::Status ContainInit(const ChildPlan& plan) {
  const spec::Spec& spec = *plan.spec;
  // Until its execve no other process of the container (one sharing a pod's
  // PID namespace) may open the init's /proc/<pid>/{exe,mem,fd}. In a user
  // namespace the container's root is no host root, and a non-dumpable
  // init could not write its own /proc files there.
  if (!spec::HasNamespace(spec, "user")) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  STEP("wait for parent", WaitForGo(plan.sync_fd));
  ASSIGN_OR_RETURN(UniqueFd own_fds, OpenOwnFds(plan));
  if (plan.cgroup)
    STEP("join cgroup", plan.cgroup->AddSelf(plan.joined_unified));
  STEP("namespaces", namespaces::JoinAndUnshare(spec));
  if (spec::HasNamespace(spec, "user")) STEP("user namespace", BecomeRoot());
  if (setsid() < 0) return LastErrno("setsid");
  STEP("hostname", SetHostname(spec));
  // Through the host's /proc, which shows the new ipc/net namespaces; the
  // container's /proc/sys is read-only once the rootfs is done.
  STEP("sysctl", SetSysctls(spec));
  if (spec::HasNamespace(spec, "mount")) {
    STEP("rootfs", ContainMountNs(plan));
  } else if (chroot(spec.root->path.c_str()) != 0 || chdir("/") != 0) {
    return LastErrno("chroot without a mount namespace");
  }
  STEP("stdio", SetupStdio(plan, *spec.process));
  STEP("oom_score_adj", ApplyOomScoreAdj(*spec.process));
  return FinalizeProcess(plan, *spec.process, own_fds.get());
}

// exec into a running container: namespaces and cgroup are already joined.
// The exec'd process gets the container's oom_score_adj, not the value of
// whoever ran the exec (crispd runs at -999).
absl::Status ContainExec(const ChildPlan& plan) {
  const spec::Process& p = *plan.spec->process;
  if (!p.terminal && setsid() < 0) return LastErrno("setsid");
  STEP("stdio", SetupStdio(plan, p));  // a terminal makes its own session
  STEP("oom_score_adj", ApplyOomScoreAdj(p));
  return FinalizeProcess(plan, p);
}

// What follows Start (or "ready" without a fifo): startContainer hooks,
// the executable's lookup if deferred, a late seccomp filter, execve.
// Returns only on failure.
absl::Status RunStarted(const ChildPlan& plan, const spec::Process& p,
                        bool early_seccomp, std::string exe) {
  if (plan.spec->hooks && !plan.exec_only) {
    STEP("hooks", hooks::Run(plan.spec->hooks->start_container,
                             HookState(plan, "running"), "startContainer"));
  }
  if (exe.empty()) {
    ASSIGN_OR_RETURN(exe, process::FindExecutable(p.args[0], p.env));
  }
  if (plan.seccomp && !early_seccomp) {
    STEP("seccomp", seccomp::Load(*plan.seccomp));
  }
  return process::Exec(exe, p);
}

}  // namespace

absl::Status FinalizeProcess(const ChildPlan& plan, const spec::Process& p,
                             int own_fds) {
  STEP("rlimits", process::SetRlimits(p.rlimits));
  STEP("lsm", lsm::ApplyOnExec(p));
  // Without no_new_privs loading a filter needs CAP_SYS_ADMIN: load it
  // while the process has every capability (as runc does); the profile
  // must then allow the few syscalls that follow. Otherwise: last.
  bool early_seccomp = plan.seccomp && !p.no_new_privileges;
  if (early_seccomp) STEP("seccomp", seccomp::Load(*plan.seccomp));
  if (plan.caps) STEP("bounding set", capabilities::DropBounding(*plan.caps));
  STEP("user", process::SetUser(p.user));
  if (plan.caps) STEP("capabilities", capabilities::Apply(*plan.caps));
  if (p.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return LastErrno("no_new_privs");
  }
  if (p.user.umask) umask(*p.user.umask);
  if (chdir(p.cwd.c_str()) != 0) return LastErrno("chdir " + p.cwd);
  bool lookup_now = !plan.lookup_after_start || plan.fifo_fd < 0;
  std::string exe;
  if (lookup_now) {
    ASSIGN_OR_RETURN(exe, process::FindExecutable(p.args[0], p.env));
  }
  STEP("close fds",
       process::CloseFdsExcept({plan.sync_fd, plan.fifo_fd, own_fds}));
  auto started = ReadyAndWait(plan, own_fds);
  if (!started.ok()) return Annotate(started.status(), "ready");
  absl::Status st = RunStarted(plan, p, early_seccomp, std::move(exe));
  if (*started) FailAfterStart(plan, started->get(), st);
  return st;
}

void RunChild(const ChildPlan& plan) {
  // The parent (a monitor) may block signals for its signalfd; the
  // container starts with none blocked.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  absl::Status st = plan.exec_only ? ContainExec(plan) : ContainInit(plan);
  // Only failures get here: a successful execve does not return.
  sync::SendError(plan.sync_fd, "create", st);
  // After "ready" the parent may be gone: say it on stderr too.
  std::string line = absl::StrCat("crisp: ", st.message(), "\n");
  (void)!write(2, line.data(), line.size());
  _exit(127);
}

}  // namespace crisp::runtime
