#include "runtime/linux/exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/process.h"
#include "common/status.h"
#include "common/unix_socket.h"
#include "runtime/bundle.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/child.h"
#include "runtime/linux/console.h"
#include "runtime/linux/lsm.h"
#include "runtime/linux/seccomp_file.h"
#include "runtime/linux/state.h"
#include "runtime/linux/sync.h"
#include "runtime/oci/json.h"

namespace crisp::runtime {
namespace {

// The init, held by a pidfd, and the namespaces of it to join: those that
// differ from ours (setns refuses to re-enter our own user namespace).
struct JoinTarget {
  UniqueFd pidfd;
  int flags = 0;
};

bool Exited(const UniqueFd &pidfd) {
  struct pollfd p = {pidfd.get(), POLLIN, 0};
  return poll(&p, 1, 0) != 0;  // readable (or an error): it has exited
}

// OpenProcess checks that the pidfd names the recorded init (pidfs inode
// where the kernel has one, else start time); the namespaces are read from
// /proc/<pid> after, and the pidfd polled once more: an init still alive
// then held the pid all along, so they were its own. setns through that
// pidfd joins this process or fails, never another one that got the pid
// after the init's death (review L7).
absl::StatusOr<JoinTarget> OpenInit(const state::State &s) {
  static const std::pair<const char *, int> kNamespaces[] = {
      {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},
      {"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},
      {"pid", CLONE_NEWPID},   {"cgroup", CLONE_NEWCGROUP},
      {"mnt", CLONE_NEWNS}};
  auto gone = absl::FailedPreconditionError(
      absl::StrCat("container ", s.id, " is not running: its init (pid ",
                   s.init.pid, ") has exited"));
  JoinTarget t;
  auto pidfd = OpenProcess(s.init);
  if (absl::IsNotFound(pidfd.status())) return gone;
  if (!pidfd.ok()) return pidfd.status();
  t.pidfd = std::move(*pidfd);
  for (const auto &[name, flag] : kNamespaces) {
    std::string theirs = absl::StrCat("/proc/", s.init.pid, "/ns/", name);
    std::string ours = absl::StrCat("/proc/self/ns/", name);
    struct stat a, b;
    if (stat(theirs.c_str(), &a) != 0) return gone;
    if (stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev) {
      continue;
    }
    t.flags |= flag;
  }
  if (Exited(t.pidfd)) return gone;
  return t;
}

// The intermediate: cgroup, namespaces, fork, report the pid, exit.
[[noreturn]] void RunIntermediate(const cgroups::Cgroup &cg,
                                  const JoinTarget &init, ChildPlan &plan) {
  // Until the final execve no process of the container may open our
  // /proc/<pid>/{exe,mem,fd}; the forked child inherits this.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  absl::Status st = cg.AddSelf(/*skip_unified=*/false);
  // All at once, user namespace first (the kernel orders them).
  if (st.ok() && init.flags != 0 && setns(init.pidfd.get(), init.flags) != 0) {
    st = errno == ESRCH
             ? absl::FailedPreconditionError("the container's init exited")
             : LastErrno("setns into the init's namespaces");
  }
  if (!st.ok()) {
    sync::SendError(plan.sync_fd, "join container", st);
    _exit(1);
  }
  pid_t pid = fork();
  if (pid == 0) RunChild(plan);
  if (pid < 0) {
    sync::SendError(plan.sync_fd, "fork", LastErrno("fork exec process"));
    _exit(1);
  }
  (void)sync::Send(plan.sync_fd, sync::Kind::kPid, pid);
  _exit(0);
}

absl::StatusOr<UniqueFd> AwaitExecReady(const ExecProcessRequest &req, int fd,
                                        pid_t *pid) {
  UniqueFd pty;
  for (;;) {
    ASSIGN_OR_RETURN(sync::Message m, sync::Receive(fd, "exec"));
    if (m.kind == sync::Kind::kPid) *pid = m.value;
    if (m.kind == sync::Kind::kReady) return pty;
    if (m.kind != sync::Kind::kPty) continue;
    ASSIGN_OR_RETURN(pty, console::ReceiveFd(fd));
    if (req.console_socket.empty()) continue;
    ASSIGN_OR_RETURN(UniqueFd sock, ConnectUnix(req.console_socket));
    RETURN_IF_ERROR(console::SendFd(sock.get(), pty.get(), "exec"));
    pty.Reset();
  }
}

}  // namespace

oci::Process ExecProcess(const oci::Spec &spec,
                         const std::vector<std::string> &args) {
  oci::Process p = *spec.process;
  p.args = args;
  p.terminal = false;
  p.console_size.reset();
  return p;
}

absl::StatusOr<Executed> Exec(const ExecProcessRequest &req) {
  ASSIGN_OR_RETURN(state::State s, state::Load(req.state_dir));
  if (state::StatusOf(req.state_dir, s) != "running") {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", s.id, " is not running"));
  }
  ASSIGN_OR_RETURN(oci::Spec spec, oci::LoadBundle(s.bundle));
  spec.process = req.process;
  RETURN_IF_ERROR(lsm::CheckAvailable(req.process));
  ChildPlan plan;
  plan.spec = &spec;
  plan.exec_only = true;
  for (int i = 0; i < 3; ++i) plan.stdio[i] = req.stdio[i];
  if (req.process.capabilities) {
    ASSIGN_OR_RETURN(plan.caps,
                     capabilities::FromSpec(*req.process.capabilities));
  }
  if (spec.linux && spec.linux->seccomp) {
    ASSIGN_OR_RETURN(
        plan.seccomp,
        seccomp::CompileOrLoad(*spec.linux->seccomp,
                               BundleLayout(s.bundle).SeccompProgram()));
  }
  ASSIGN_OR_RETURN(auto layout, cgroups::DetectLayout());
  auto cg = cgroups::Cgroup::Open({layout, s.cgroup_path, false});
  if (req.before_join) req.before_join();
  ASSIGN_OR_RETURN(JoinTarget init, OpenInit(s));
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return LastErrno("socketpair");
  }
  UniqueFd parent(fds[0]), child(fds[1]);
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  pid_t mid = fork();
  if (mid == 0) {
    parent.Reset();
    plan.sync_fd = child.get();
    RunIntermediate(cg, init, plan);
  }
  if (mid < 0) return LastErrno("fork exec intermediate");
  child.Reset();
  Executed out;
  auto pty = AwaitExecReady(req, parent.get(), &out.pid);
  waitpid(mid, nullptr, 0);
  if (!pty.ok()) {
    if (out.pid > 0) kill(out.pid, SIGKILL), waitpid(out.pid, nullptr, 0);
    return pty.status();
  }
  out.pty_master = std::move(*pty);
  return out;
}

}  // namespace crisp::runtime
