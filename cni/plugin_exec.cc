#include "cni/plugin_exec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cni/plugin_error.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "glog/logging.h"

namespace crisp::cni {
namespace {

using Clock = std::chrono::steady_clock;

// Plugins run iptables, ip, modprobe...; the daemon's own PATH is not
// trusted to have them (or to be free of surprises), so it is fixed.
constexpr char kPath[] =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// After the plugin exits, output still in flight from a child it left
// behind is awaited this long, no longer: such a child may hold the pipe
// for ever (Go's exec.Cmd hangs there; WaitDelay was its fix).
constexpr int kDrainGraceMs = 100;

// A clean environment: the spec's parameters and PATH, nothing of the
// daemon's (libcni passes os.Environ(), which leaks crispd's settings).
std::vector<std::string> BuildEnv(const PluginCall& call) {
  return {absl::StrCat("CNI_COMMAND=", call.command),
          absl::StrCat("CNI_CONTAINERID=", call.container_id),
          absl::StrCat("CNI_NETNS=", call.netns),
          absl::StrCat("CNI_IFNAME=", call.ifname),
          absl::StrCat("CNI_ARGS=", call.args),
          absl::StrCat("CNI_PATH=", absl::StrJoin(call.plugin_dirs, ":")),
          kPath};
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Moves `fd` above 0-2, so that the child's dup2 onto 0, 1 and 2 can never
// overwrite one of the other fds it still has to dup (a daemon started with
// a closed stdin gets fd 0 from pipe2).
absl::StatusOr<UniqueFd> AboveStdio(int fd, absl::string_view what) {
  UniqueFd owned(fd);
  if (fd < 0) return LastErrno(what);
  if (fd > 2) return owned;
  UniqueFd moved(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  if (!moved) return LastErrno(what);
  return moved;
}

// The config goes in a memfd rather than a pipe: no writer to pump while
// reading stdout, and no SIGPIPE when a plugin does not read its stdin.
absl::StatusOr<UniqueFd> StdinFile(const std::string& data) {
  ASSIGN_OR_RETURN(UniqueFd fd,
                   AboveStdio(::memfd_create("cni-stdin", MFD_CLOEXEC),
                              "memfd_create for CNI stdin"));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastErrno("write CNI stdin");
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return LastErrno("seek CNI stdin");
  return fd;
}

struct Pipe {
  UniqueFd read, write;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return LastErrno("pipe for CNI plugin");
  UniqueFd w(fds[1]);
  ASSIGN_OR_RETURN(UniqueFd r, AboveStdio(fds[0], "pipe for CNI plugin"));
  ASSIGN_OR_RETURN(w, AboveStdio(w.Release(), "pipe for CNI plugin"));
  return Pipe{std::move(r), std::move(w)};
}

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnActions() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnActions() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// stdio from the three fds, cwd "/", every other fd closed (O_CLOEXEC alone
// would not cover fds another thread opens without it), signals at their
// defaults and unblocked, and a process group of its own so a timeout can
// kill whatever the plugin started.
void Prepare(SpawnActions& s, int in, int out, int err) {
  posix_spawn_file_actions_adddup2(&s.actions, in, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out, 1);
  posix_spawn_file_actions_adddup2(&s.actions, err, 2);
  posix_spawn_file_actions_addchdir_np(&s.actions, "/");
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
}

struct Child {
  pid_t pid = -1;
  UniqueFd out, err;
};

absl::StatusOr<Child> Spawn(const PluginCall& call) {
  ASSIGN_OR_RETURN(UniqueFd in, StdinFile(call.stdin_data));
  ASSIGN_OR_RETURN(Pipe out, MakePipe());
  ASSIGN_OR_RETURN(Pipe err, MakePipe());
  std::vector<std::string> argv_strings = {call.plugin_path};
  std::vector<std::string> env_strings = BuildEnv(call);
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<char*> envp = Pointers(env_strings);
  SpawnActions s;
  Prepare(s, in.get(), out.write.get(), err.write.get());
  Child child;
  int rc = ::posix_spawn(&child.pid, call.plugin_path.c_str(), &s.actions,
                         &s.attr, argv.data(), envp.data());
  if (rc != 0) {
    return crisp::ErrnoToStatus(
        rc, absl::StrCat("CNI plugin ", call.plugin_path, " ", call.command,
                         ": spawn"));
  }
  child.out = std::move(out.read);
  child.err = std::move(err.read);
  return child;
}

// Appends what `fd` has to `buf` up to `max` bytes, discarding the rest so
// the plugin never blocks on a full pipe. False at end of file.
bool ReadSome(int fd, std::string& buf, size_t max) {
  char chunk[16384];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  size_t room = buf.size() < max ? max - buf.size() : 0;
  buf.append(chunk, std::min(room, static_cast<size_t>(n)));
  return true;
}

// True once the plugin has been reaped. A child reaped by someone else
// (ECHILD) counts as exited with a status that reads as a failure.
bool Reaped(pid_t pid, int& status) {
  pid_t rc = ::waitpid(pid, &status, WNOHANG);
  if (rc < 0 && errno == EINTR) return false;
  if (rc < 0) status = -1;
  return rc != 0;
}

int MillisUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, 60000));
}

// Reads stdout and stderr until the plugin has exited and its pipes are
// drained. False when the deadline came first (the plugin still runs).
bool Collect(const Child& child, int pidfd, Clock::time_point deadline,
             const ExecLimits& limits, PluginOutput& output) {
  pollfd fds[3] = {{child.out.get(), POLLIN, 0},
                   {child.err.get(), POLLIN, 0},
                   {pidfd, POLLIN, 0}};
  bool exited = false;
  for (;;) {
    bool open = fds[0].fd >= 0 || fds[1].fd >= 0;
    if (exited && (!open || Clock::now() >= deadline)) return true;
    if (!exited && Clock::now() >= deadline) return false;
    int wait_ms = exited ? std::min(kDrainGraceMs, MillisUntil(deadline))
                         : MillisUntil(deadline);
    if (pidfd < 0 && !exited) wait_ms = std::min(wait_ms, 20);
    int n = ::poll(fds, 3, wait_ms);
    if (n < 0 && errno != EINTR) PLOG(WARNING) << "poll on CNI plugin output";
    if (n == 0 && exited) return true;
    if (n > 0 && fds[0].revents &&
        !ReadSome(fds[0].fd, output.out, limits.max_stdout))
      fds[0].fd = -1;
    if (n > 0 && fds[1].revents &&
        !ReadSome(fds[1].fd, output.err, limits.max_stderr))
      fds[1].fd = -1;
    if (!exited && Reaped(child.pid, output.wait_status)) {
      exited = true;
      fds[2].fd = -1;
    }
  }
}

absl::Status TimedOut(const PluginCall& call, const ExecLimits& limits,
                      const PluginOutput& output) {
  std::string message =
      absl::StrCat("CNI plugin ", call.plugin_path, " ", call.command,
                   ": timed out after ", limits.timeout.count(), " ms, killed");
  if (!output.err.empty()) {
    absl::StrAppend(&message, "; stderr: ", Excerpt(output.err));
  }
  return absl::DeadlineExceededError(message);
}

}  // namespace

absl::StatusOr<std::string> ExecPlugin(const PluginCall& call,
                                       const ExecLimits& limits) {
  auto start = Clock::now();
  ASSIGN_OR_RETURN(Child child, Spawn(call));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child.pid, 0)));
  PluginOutput output;
  if (!Collect(child, pidfd.get(), start + limits.timeout, limits, output)) {
    // The group id is the plugin's pid, which cannot be reused before the
    // waitpid below: the kill reaches only the plugin and its children.
    if (::kill(-child.pid, SIGKILL) != 0) ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, &output.wait_status, 0);
    return TimedOut(call, limits, output);
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      Clock::now() - start);
  VLOG(1) << "CNI plugin " << call.plugin_path << " " << call.command << " "
          << call.container_id << " took " << took.count() << " ms"
          << (output.err.empty() ? "" : "; stderr: ") << Excerpt(output.err);
  if (!WIFEXITED(output.wait_status) || WEXITSTATUS(output.wait_status) != 0) {
    return PluginFailure(call.plugin_path, call.command, output);
  }
  if (output.out.size() >= limits.max_stdout) {
    return absl::ResourceExhaustedError(
        absl::StrCat("CNI plugin ", call.plugin_path, " ", call.command,
                     ": output larger than ", limits.max_stdout, " bytes"));
  }
  return std::move(output.out);
}

absl::StatusOr<std::string> FormatCniArgs(
    const std::vector<std::pair<std::string, std::string>>& args) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : args) {
    if (key.empty() || key.find_first_of("=;") != std::string::npos ||
        value.find(';') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CNI_ARGS entry \"", key, "=", value,
          "\": keys must be non-empty without '=' or ';', values without ';'"));
    }
    parts.push_back(absl::StrCat(key, "=", value));
  }
  return absl::StrJoin(parts, ";");
}

}  // namespace crisp::cni
