#include "sandbox/infra.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"
#include "sandbox/pinned_namespaces.h"

namespace crisp::sandbox {
namespace {

// crisp-pause reports "ok <pid>" on stdout; its errors go to crispd's
// stderr.
absl::StatusOr<std::string> RunPause(const std::string& pause_path,
                                     const std::string& pin_file) {
  ASSIGN_OR_RETURN(subprocess::Result run,
                   subprocess::Run({.path = pause_path,
                                    .argv = {"crisp-pause", "--pin", pin_file},
                                    .out = subprocess::Stdio::Pipe(),
                                    .err = subprocess::Stdio::Inherit()}));
  return std::move(run.out);
}

// The pidfd names exactly the recorded process, so the kill cannot reach a
// recycled pid; polling it waits for the exit.
void KillAndWait(const ProcessId& infra) {
  auto pidfd = OpenProcess(infra);
  if (!pidfd.ok()) return;
  if (syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0) != 0) {
    return;
  }
  pollfd p = {pidfd->get(), POLLIN, 0};
  while (poll(&p, 1, 2000) < 0 && errno == EINTR) {
  }
}

// "NSpid:\t<ours>\t...\t1": the process is pid 1 of its innermost namespace.
bool IsNamespaceInit(pid_t pid) {
  auto status = ReadFile(absl::StrCat("/proc/", pid, "/status"));
  if (!status.ok()) return false;
  size_t at = status->find("\nNSpid:");
  if (at == std::string::npos) return false;
  size_t end = status->find('\n', at + 1);
  absl::string_view line(status->data() + at, end - at);
  return absl::EndsWith(line, "\t1") && line.find('\t') != line.rfind('\t');
}

}  // namespace

ProcessId FindInfra(const std::string& pin_file) {
  struct stat pin;
  auto names = ListDir("/proc");
  if (stat(pin_file.c_str(), &pin) != 0 || !names.ok()) return {};
  for (const std::string& name : *names) {
    pid_t pid = 0;
    struct stat ns;
    if (!absl::SimpleAtoi(name, &pid) ||
        stat(absl::StrCat("/proc/", pid, "/ns/pid").c_str(), &ns) != 0 ||
        ns.st_ino != pin.st_ino || ns.st_dev != pin.st_dev ||
        !IsNamespaceInit(pid)) {
      continue;
    }
    auto id = IdentifyProcess(pid);
    if (id.ok()) return *id;
  }
  return {};
}

absl::StatusOr<ProcessId> StartInfra(const std::string& pause_path,
                                     const std::string& pin_file) {
  int fd =
      open(pin_file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
  if (fd < 0) return LastErrno("create " + pin_file);
  close(fd);
  auto out = RunPause(pause_path, pin_file);
  absl::string_view line = out.ok() ? absl::StripAsciiWhitespace(*out) : "";
  ProcessId infra;
  if (!out.ok() || !absl::ConsumePrefix(&line, "ok ") ||
      !absl::SimpleAtoi(line, &infra.pid)) {
    (void)UnpinNamespaceFile(pin_file);
    if (!out.ok()) return out.status();
    return absl::InternalError(
        absl::StrCat("crisp-pause for ", pin_file, ": ", *out));
  }
  auto id = IdentifyProcess(infra.pid);
  if (!id.ok()) {
    (void)UnpinNamespaceFile(pin_file);
    return Annotate(id.status(), "infra process");
  }
  return *id;
}

absl::Status StopInfra(const ProcessId& infra, const std::string& pin_file) {
  KillAndWait(infra);
  return UnpinNamespaceFile(pin_file);
}

}  // namespace crisp::sandbox
