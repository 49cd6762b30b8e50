#include "runtime/exec.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unix_socket.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/child.h"
#include "runtime/console.h"
#include "runtime/lsm.h"
#include "runtime/seccomp_file.h"
#include "runtime/spec/json.h"
#include "runtime/state.h"
#include "runtime/sync.h"

namespace crisp::runtime {
namespace {

struct NsFd {
  int flag;
  UniqueFd fd;
};

// The init's namespaces that differ from ours, in join order.
absl::StatusOr<std::vector<NsFd>> OpenNamespaces(pid_t pid) {
  static const std::pair<const char*, int> kOrder[] = {
      {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},
      {"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},
      {"pid", CLONE_NEWPID},   {"cgroup", CLONE_NEWCGROUP},
      {"mnt", CLONE_NEWNS}};
  std::vector<NsFd> out;
  for (const auto& [name, flag] : kOrder) {
    std::string theirs = absl::StrCat("/proc/", pid, "/ns/", name);
    std::string ours = absl::StrCat("/proc/self/ns/", name);
    struct stat a, b;
    if (stat(theirs.c_str(), &a) != 0) return LastErrno("stat " + theirs);
    if (stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino) continue;
    UniqueFd fd(open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return LastErrno("open " + theirs);
    out.push_back({flag, std::move(fd)});
  }
  return out;
}

// The intermediate: cgroup, namespaces, fork, report the pid, exit.
[[noreturn]] void RunIntermediate(const cgroups::Cgroup& cg,
                                  const std::vector<NsFd>& ns,
                                  ChildPlan& plan) {
  // Until the final execve no process of the container may open our
  // /proc/<pid>/{exe,mem,fd}; the forked child inherits this.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  absl::Status st = cg.AddSelf(/*skip_unified=*/false);
  for (size_t i = 0; st.ok() && i < ns.size(); ++i) {
    if (setns(ns[i].fd.get(), ns[i].flag) != 0) {
      st = LastErrno(absl::StrCat("setns ", ns[i].flag));
    }
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

absl::StatusOr<UniqueFd> AwaitExecReady(const ExecRequest& req, int fd,
                                        pid_t* pid) {
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

spec::Process ExecProcess(const spec::Spec& spec,
                          const std::vector<std::string>& args) {
  spec::Process p = *spec.process;
  p.args = args;
  p.terminal = false;
  p.console_size.reset();
  return p;
}

absl::StatusOr<Executed> Exec(const ExecRequest& req) {
  ASSIGN_OR_RETURN(state::State s, state::Load(req.state_dir));
  if (state::StatusOf(req.state_dir, s) != "running") {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", s.id, " is not running"));
  }
  ASSIGN_OR_RETURN(spec::Spec spec, spec::LoadBundle(s.bundle));
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
    ASSIGN_OR_RETURN(plan.seccomp,
                     seccomp::CompileOrLoad(*spec.linux->seccomp,
                                            seccomp::ProgramFile(s.bundle)));
  }
  ASSIGN_OR_RETURN(auto layout, cgroups::DetectLayout());
  auto cg = cgroups::Cgroup::Open({layout, s.cgroup_path, false});
  ASSIGN_OR_RETURN(std::vector<NsFd> ns, OpenNamespaces(s.init.pid));
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
    RunIntermediate(cg, ns, plan);
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
