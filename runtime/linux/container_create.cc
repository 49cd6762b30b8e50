// The recipe of a create, parent side: check, plan (seccomp compiled and
// capabilities parsed before the clone), state dir, cgroup, clone, id maps
// and cgroup placement, "go", then wait for the child's "ready". Every step
// registers its undo; a failure anywhere leaves nothing behind.
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/rollback.h"
#include "common/status.h"
#include "common/unix_socket.h"
#include "runtime/bundle.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/child.h"
#include "runtime/linux/console.h"
#include "runtime/linux/container.h"
#include "runtime/linux/devices.h"
#include "runtime/linux/hooks.h"
#include "runtime/linux/lsm.h"
#include "runtime/linux/namespaces.h"
#include "runtime/linux/seccomp_file.h"
#include "runtime/linux/state.h"
#include "runtime/linux/sync.h"

namespace crisp::runtime {
namespace {

struct Channel {
  UniqueFd parent, child;
};

struct Child {
  pid_t pid = 0;
  UniqueFd pidfd;
};

absl::StatusOr<ChildPlan> Plan(const InitRequest& req) {
  ChildPlan plan;
  plan.spec = &req.spec;
  plan.id = req.id;
  plan.bundle = req.bundle;
  plan.lookup_after_start = req.lookup_after_start;
  const oci::Process& p = *req.spec.process;
  RETURN_IF_ERROR(lsm::CheckAvailable(p));
  if (p.capabilities) {
    ASSIGN_OR_RETURN(plan.caps, capabilities::FromSpec(*p.capabilities));
  }
  if (req.spec.linux && req.spec.linux->seccomp) {
    ASSIGN_OR_RETURN(
        plan.seccomp,
        seccomp::CompileOrLoad(*req.spec.linux->seccomp,
                               BundleLayout(req.bundle).SeccompProgram()));
  }
  for (int i = 0; i < 3; ++i) plan.stdio[i] = req.stdio[i];
  return plan;
}

absl::Status MakeStateDir(const InitRequest& req, Rollback& undo) {
  if (mkdir(req.state_dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat("container ", req.id, " already exists"));
    }
    return LastErrno(absl::StrCat("mkdir state dir ", req.state_dir));
  }
  undo.Add([dir = req.state_dir] { (void)RemoveAll(dir); });
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> MakeFifo(const InitRequest& req) {
  if (!req.wait_for_start) return UniqueFd();
  std::string path = StateLayout(req.state_dir).ExecFifo();
  // The init reopens it through /proc/self/fd after switching to the
  // process's user, which may not be root: like runc, writable by all (the
  // state dir, 0700, keeps everyone else from reaching it by path).
  if (mkfifo(path.c_str(), 0622) != 0) return LastErrno("mkfifo " + path);
  if (chmod(path.c_str(), 0622) != 0) return LastErrno("chmod " + path);
  UniqueFd fd(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd) return LastErrno("open " + path);
  return fd;
}

// The cgroup with its resources written, before the clone: the child joins
// it as its first step, already limited.
absl::StatusOr<cgroups::Cgroup> MakeCgroup(const InitRequest& req,
                                           Rollback& undo) {
  ASSIGN_OR_RETURN(cgroups::Layout layout, cgroups::DetectLayout());
  ASSIGN_OR_RETURN(
      cgroups::Cgroup cg,
      cgroups::Cgroup::Create({layout, CgroupPath(req.spec, req.id), false}));
  undo.Add([cg] { (void)cg.Destroy(); });
  const oci::Spec& spec = req.spec;
  if (spec.linux && spec.linux->resources) {
    oci::Resources r = *spec.linux->resources;
    if (!r.devices.empty()) {
      for (auto& rule : devices::AllowedDeviceRules(spec.linux->devices)) {
        r.devices.push_back(std::move(rule));
      }
    }
    RETURN_IF_ERROR(cg.Apply(r));
  }
  return cg;
}

absl::StatusOr<Channel> MakeChannel() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return LastErrno("socketpair");
  }
  return Channel{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// clone3, straight into the cgroup2 directory where there is one (no
// migration afterwards); kernels without CLONE_INTO_CGROUP get a plain
// clone and the child joins by writing cgroup.procs.
long Clone3(ChildPlan& plan, int* pidfd) {
  struct clone_args args = {};
  args.flags = namespaces::CloneFlags(*plan.spec) | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  args.exit_signal = SIGCHLD;
  std::string unified = plan.cgroup->UnifiedDir();
  UniqueFd cgroup_fd;
  if (!unified.empty()) {
    cgroup_fd.Reset(open(unified.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  if (cgroup_fd) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd.get());
    plan.joined_unified = true;
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid >= 0 || (errno != EINVAL && errno != E2BIG && errno != ENOSYS)) {
      return pid;
    }
    args.flags &= ~static_cast<uint64_t>(CLONE_INTO_CGROUP);
    args.cgroup = 0;
  }
  plan.joined_unified = false;
  return syscall(SYS_clone3, &args, sizeof(args));
}

absl::StatusOr<Child> Spawn(ChildPlan& plan, Channel& ch, Rollback& undo) {
  ASSIGN_OR_RETURN(UniqueFd saved_pid_ns, namespaces::EnterPid(*plan.spec));
  int pidfd = -1;
  long pid = Clone3(plan, &pidfd);
  if (pid == 0) {
    ch.parent.Reset();
    plan.sync_fd = ch.child.get();
    RunChild(plan);
  }
  int clone_errno = errno;
  RETURN_IF_ERROR(namespaces::RestorePid(saved_pid_ns));
  if (pid < 0) return ErrnoToStatus(clone_errno, "clone3 container init");
  ch.child.Reset();
  undo.Add([pid] {
    kill(static_cast<pid_t>(pid), SIGKILL);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
  });
  return Child{static_cast<pid_t>(pid), UniqueFd(pidfd)};
}

// Waits for "ready"; on the way takes the pty master of a terminal
// container and hands it to the console socket or the caller.
absl::StatusOr<UniqueFd> AwaitReady(const InitRequest& req, int sync_fd) {
  UniqueFd pty;
  for (;;) {
    ASSIGN_OR_RETURN(
        sync::Message m,
        sync::Receive(sync_fd, absl::StrCat("container ", req.id)));
    if (m.kind == sync::Kind::kReady) break;
    if (m.kind != sync::Kind::kPty) continue;
    ASSIGN_OR_RETURN(pty, console::ReceiveFd(sync_fd));
    if (req.console_socket.empty()) continue;
    ASSIGN_OR_RETURN(UniqueFd sock, ConnectUnix(req.console_socket));
    RETURN_IF_ERROR(console::SendFd(sock.get(), pty.get(), req.id));
    pty.Reset();
  }
  return pty;
}

absl::Status RunCreateHooks(const InitRequest& req, pid_t pid) {
  if (!req.spec.hooks) return absl::OkStatus();
  std::string st = hooks::StateJson(req.id, "creating", pid, req.bundle,
                                    req.spec.annotations);
  RETURN_IF_ERROR(hooks::Run(req.spec.hooks->prestart, st, "prestart"));
  return hooks::Run(req.spec.hooks->create_runtime, st, "createRuntime");
}

}  // namespace

std::string CgroupPath(const oci::Spec& spec, const std::string& id) {
  if (spec.linux && !spec.linux->cgroups_path.empty()) {
    return spec.linux->cgroups_path;
  }
  return "/crisp/" + id;
}

absl::StatusOr<Created> Create(const InitRequest& req) {
  Rollback undo;
  ASSIGN_OR_RETURN(ChildPlan plan, Plan(req));
  RETURN_IF_ERROR(MakeStateDir(req, undo));
  ASSIGN_OR_RETURN(UniqueFd fifo, MakeFifo(req));
  plan.fifo_fd = fifo.get();
  ASSIGN_OR_RETURN(cgroups::Cgroup cg, MakeCgroup(req, undo));
  plan.cgroup = &cg;
  ASSIGN_OR_RETURN(Channel ch, MakeChannel());
  ASSIGN_OR_RETURN(Child child, Spawn(plan, ch, undo));
  if (req.spec.linux) {
    RETURN_IF_ERROR(namespaces::WriteIdMappings(child.pid, *req.spec.linux));
  }
  RETURN_IF_ERROR(RunCreateHooks(req, child.pid));
  RETURN_IF_ERROR(sync::Send(ch.parent.get(), sync::Kind::kGo));
  Created created;
  ASSIGN_OR_RETURN(created.pty_master, AwaitReady(req, ch.parent.get()));
  ASSIGN_OR_RETURN(created.init, IdentifyProcess(child.pid, child.pidfd.get()));
  created.pidfd = std::move(child.pidfd);
  created.cgroup_path = CgroupPath(req.spec, req.id);
  created.sync = std::move(ch.parent);
  state::State st{req.id,
                  req.bundle,
                  created.init,
                  created.cgroup_path,
                  NowUnixNanos(),
                  req.spec.process->terminal,
                  req.spec.annotations};
  RETURN_IF_ERROR(state::Save(req.state_dir, st));
  undo.Release();
  return created;
}

}  // namespace crisp::runtime
