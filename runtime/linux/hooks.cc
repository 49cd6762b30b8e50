#include "runtime/linux/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "nlohmann/json.hpp"

namespace crisp::runtime::hooks {
namespace {

[[noreturn]] void ExecHook(const oci::Hook& h, int stdin_fd) {
  dup2(stdin_fd, 0);
  std::vector<char*> argv, envp;
  std::vector<std::string> args = h.args;
  if (args.empty()) args.push_back(h.path);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = h.env;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  execve(h.path.c_str(), argv.data(), envp.data());
  _exit(127);
}

// Waits for the hook through a pidfd, killing it at the timeout.
absl::Status Wait(pid_t pid, const oci::Hook& h, const char* kind) {
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  int timeout_ms = h.timeout && *h.timeout > 0 ? *h.timeout * 1000 : -1;
  if (pidfd) {
    struct pollfd p = {pidfd.get(), POLLIN, 0};
    if (poll(&p, 1, timeout_ms) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return absl::DeadlineExceededError(
          absl::StrCat(kind, " hook ", h.path, ": timed out"));
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      kind, " hook ", h.path, ": exit status ",
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
}

}  // namespace

absl::Status Run(const std::vector<oci::Hook>& hooks,
                 const std::string& state_json, const char* kind) {
  for (const oci::Hook& h : hooks) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return LastErrno("pipe2 for hook");
    UniqueFd r(fds[0]), w(fds[1]);
    pid_t pid = fork();
    if (pid == 0) ExecHook(h, r.get());
    if (pid < 0) return LastErrno(absl::StrCat("fork ", kind, " hook"));
    r.Reset();
    (void)!write(w.get(), state_json.data(), state_json.size());
    w.Reset();
    RETURN_IF_ERROR(Wait(pid, h, kind));
  }
  return absl::OkStatus();
}

std::string StateJson(const std::string& id, const std::string& status,
                      pid_t pid, const std::string& bundle,
                      const std::map<std::string, std::string>& annotations) {
  nlohmann::json j = {{"ociVersion", "1.2.0"}, {"id", id},
                      {"status", status},      {"pid", pid},
                      {"bundle", bundle},      {"annotations", annotations}};
  return j.dump();
}

}  // namespace crisp::runtime::hooks
