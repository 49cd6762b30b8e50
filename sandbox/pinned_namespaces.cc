#include "sandbox/pinned_namespaces.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/mount_owner.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace crisp::sandbox {
namespace {

struct Pin {
  const char* kind;  // name under /proc/self/ns and under the pin dir
  int flag;
  std::string target;
};

// Everything the child needs, built before fork: after it only
// async-signal-safe calls are allowed in a threaded parent.
struct ChildPlan {
  int flags = 0;
  const char* hostname = nullptr;
  size_t hostname_len = 0;
  std::vector<std::pair<std::string, std::string>> sysctls;  // path, value
  std::vector<Pin> pins;
};

// What the child reports on failure: the step and its errno.
struct ChildError {
  int step;
  int err;
};

enum Step { kUnshare, kLoopback, kHostname, kSysctl, kBind };

const char* StepName(int step) {
  switch (step) {
    case kUnshare:
      return "unshare";
    case kLoopback:
      return "bring up lo";
    case kHostname:
      return "sethostname";
    case kSysctl:
      return "write sysctl";
    default:
      return "bind-mount namespace file";
  }
}

bool LoopbackUp() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  struct ifreq req;
  memset(&req, 0, sizeof(req));
  memcpy(req.ifr_name, "lo", 3);
  bool ok = ioctl(s, SIOCGIFFLAGS, &req) == 0;
  req.ifr_flags |= IFF_UP;
  ok = ok && ioctl(s, SIOCSIFFLAGS, &req) == 0;
  close(s);
  return ok;
}

bool WriteSysctl(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) ==
            static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

// Returns the failing step, or -1.
int RunChild(const ChildPlan& plan) {
  if (unshare(plan.flags) != 0) return kUnshare;
  if ((plan.flags & CLONE_NEWNET) && !LoopbackUp()) return kLoopback;
  if (plan.hostname_len > 0 &&
      sethostname(plan.hostname, plan.hostname_len) != 0) {
    return kHostname;
  }
  for (const auto& [path, value] : plan.sysctls) {
    if (!WriteSysctl(path, value)) return kSysctl;
  }
  for (const Pin& pin : plan.pins) {
    char source[64] = "/proc/self/ns/";
    strncat(source, pin.kind, sizeof(source) - strlen(source) - 1);
    if (mount(source, pin.target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return kBind;
    }
  }
  return -1;
}

absl::Status RunInChild(const ChildPlan& plan) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return LastErrno("pipe for namespace pin");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  pid_t pid = fork();
  if (pid < 0) return LastErrno("fork namespace pinner");
  if (pid == 0) {
    int step = RunChild(plan);
    if (step < 0) _exit(0);
    ChildError e{step, errno};
    (void)!write(write_end.get(), &e, sizeof(e));
    _exit(1);
  }
  write_end.Reset();
  ChildError e{-1, 0};
  ssize_t n;
  do {
    n = read(read_end.get(), &e, sizeof(e));
  } while (n < 0 && errno == EINTR);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n == sizeof(e)) return ErrnoToStatus(e.err, StepName(e.step));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("namespace pinner died");
  }
  return absl::OkStatus();
}

std::string SysctlPath(const std::string& name) {
  return "/proc/sys/" + absl::StrReplaceAll(name, {{".", "/"}});
}

absl::Status CreateTarget(const std::string& path) {
  int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
  if (fd < 0) return LastErrno(absl::StrCat("create ", path));
  close(fd);
  return absl::OkStatus();
}

absl::StatusOr<ChildPlan> MakePlan(const PinRequest& r) {
  ChildPlan plan;
  const std::pair<bool, Pin> kinds[] = {{r.net, {"net", CLONE_NEWNET, ""}},
                                        {r.ipc, {"ipc", CLONE_NEWIPC, ""}},
                                        {r.uts, {"uts", CLONE_NEWUTS, ""}}};
  for (const auto& [wanted, pin] : kinds) {
    if (!wanted) continue;
    RETURN_IF_ERROR(MakeDirs(absl::StrCat(r.dir, "/", pin.kind), 0711));
    plan.pins.push_back(
        {pin.kind, pin.flag, PinPath(r.dir, pin.kind, r.pod_id)});
    plan.flags |= pin.flag;
  }
  if (r.uts && !r.hostname.empty()) {
    plan.hostname = r.hostname.c_str();
    plan.hostname_len = r.hostname.size();
  }
  for (const auto& [name, value] : r.sysctls) {
    RETURN_IF_ERROR(ValidateSysctl(name, r.net, r.ipc));
    plan.sysctls.emplace_back(SysctlPath(name), value);
  }
  return plan;
}

PinnedNamespaces Paths(const ChildPlan& plan) {
  PinnedNamespaces p;
  for (const Pin& pin : plan.pins) {
    if (pin.flag == CLONE_NEWNET) p.net = pin.target;
    if (pin.flag == CLONE_NEWIPC) p.ipc = pin.target;
    if (pin.flag == CLONE_NEWUTS) p.uts = pin.target;
  }
  return p;
}

}  // namespace

absl::StatusOr<PinnedNamespaces> PinNamespaces(const PinRequest& request) {
  if (request.pod_id.empty() || request.pod_id.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("pod id \"", request.pod_id, "\" is not a file name"));
  }
  ASSIGN_OR_RETURN(ChildPlan plan, MakePlan(request));
  PinnedNamespaces pinned = Paths(plan);
  if (plan.pins.empty()) return pinned;
  absl::Status status;
  for (const Pin& pin : plan.pins) {
    status = CreateTarget(pin.target);
    if (!status.ok()) break;
  }
  if (status.ok()) status = RunInChild(plan);
  if (!status.ok()) {
    (void)UnpinNamespaces(pinned);
    return Annotate(status,
                    absl::StrCat("pod ", request.pod_id, " namespaces"));
  }
  return pinned;
}

std::string PinPath(const std::string& dir, const std::string& kind,
                    const std::string& pod_id) {
  return absl::StrCat(dir, "/", kind, "/", pod_id);
}

PinnedNamespaces ExistingPins(const std::string& dir,
                              const std::string& pod_id) {
  PinnedNamespaces p;
  for (auto [kind, path] :
       {std::pair{"net", &p.net}, std::pair{"ipc", &p.ipc},
        std::pair{"uts", &p.uts}, std::pair{"pid", &p.pid}}) {
    std::string file = PinPath(dir, kind, pod_id);
    if (access(file.c_str(), F_OK) == 0) *path = file;
  }
  return p;
}

bool IsPinned(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

absl::Status UnpinNamespaceFile(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(DetachMount(path));
  RETURN_IF_ERROR(failpoint::Hit("sandbox.stop.after_unmount"));
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return LastErrno(absl::StrCat("remove ", path));
  }
  return absl::OkStatus();
}

absl::Status UnpinNamespaces(const PinnedNamespaces& pinned) {
  absl::Status first;
  for (const std::string* p : {&pinned.net, &pinned.ipc, &pinned.uts}) {
    absl::Status s = UnpinNamespaceFile(*p);
    if (first.ok()) first = s;
  }
  return first;
}

absl::Status ValidateSysctl(const std::string& name, bool own_net,
                            bool own_ipc) {
  bool net = absl::StartsWith(name, "net.");
  bool ipc = absl::StartsWith(name, "kernel.shm") ||
             absl::StartsWith(name, "kernel.msg") || name == "kernel.sem" ||
             absl::StartsWith(name, "fs.mqueue.");
  if (name.find("..") != std::string::npos ||
      name.find('/') != std::string::npos) {
    net = ipc = false;
  }
  if ((net && own_net) || (ipc && own_ipc)) return absl::OkStatus();
  if (net || ipc) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sysctl ", name, ": the pod shares the host's ",
        net ? "network" : "IPC", " namespace, so it would change the node"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("sysctl ", name, " is not namespaced"));
}

}  // namespace crisp::sandbox
