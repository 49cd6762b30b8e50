#include "cni/plugin_exec.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cni/plugin_error.h"
#include "common/status.h"
#include "common/subprocess.h"
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
constexpr absl::Duration kDrainGrace = absl::Milliseconds(100);

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

// The config goes in a memfd rather than a pipe: no writer to pump while
// reading stdout, and no SIGPIPE when a plugin does not read its stdin.
absl::StatusOr<UniqueFd> StdinFile(const std::string& data) {
  UniqueFd fd(::memfd_create("cni-stdin", MFD_CLOEXEC));
  if (!fd) return LastErrno("memfd_create for CNI stdin");
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

// The config on stdin, stdout and stderr captured, cwd "/", signals at
// their defaults, and a process group of its own so a timeout can kill
// whatever the plugin started.
subprocess::SpawnOptions SpawnOptions(const PluginCall& call, int stdin_fd) {
  return {.path = call.plugin_path,
          .argv = {call.plugin_path},
          .env = BuildEnv(call),
          .in = subprocess::Stdio::Fd(stdin_fd),
          .out = subprocess::Stdio::Pipe(),
          .err = subprocess::Stdio::Pipe(),
          .cwd = "/",
          .new_process_group = true,
          .default_signals = true};
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
  ASSIGN_OR_RETURN(UniqueFd in, StdinFile(call.stdin_data));
  auto run = subprocess::Run(SpawnOptions(call, in.get()),
                             {.timeout = absl::FromChrono(limits.timeout),
                              .max_out = limits.max_stdout,
                              .max_err = limits.max_stderr,
                              .exit_drain = kDrainGrace});
  if (!run.ok()) {
    return Annotate(run.status(), absl::StrCat("CNI plugin ", call.plugin_path,
                                               " ", call.command));
  }
  PluginOutput output{run->wait_status, std::move(run->out),
                      std::move(run->err)};
  if (run->timed_out) return TimedOut(call, limits, output);
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
