#include "tests/support/crispd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/files.h"

namespace crisp::testing {
namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Forks and execs `args` with stdout and stderr sent to `out_fd` and `env`
// added to the environment.
pid_t Spawn(std::vector<std::string> args, int out_fd,
            std::vector<std::string> env = {}) {
  std::vector<char*> argv = Argv(args);
  pid_t pid = ::fork();
  if (pid == 0) {
    for (std::string& e : env) ::putenv(e.data());
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    // Nothing of the test's reaches crispd and the monitors that outlive
    // it: an inherited flock of /tmp/crisp-integration.lock would be held
    // by a leaked daemon long after the test.
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string CrispdBinary() {
  const char* bin = std::getenv("CRISPD");
  return bin != nullptr ? bin : CRISPD_PATH;
}

CrispdProcess::CrispdProcess() {
  char tmpl[] = "/tmp/crisp-test.XXXXXX";
  dir_ = ::mkdtemp(tmpl);
}

CrispdProcess::~CrispdProcess() {
  client_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  (void)RemoveAll(dir_);
}

std::string CrispdProcess::Start(const CrispdOptions& options) {
  {
    std::ofstream config(config_path());
    // The extra text first, so that it may set top-level keys too.
    config << options.extra_config << "\n[cni]\nconf_dir = \"" << dir_
           << "/net.d\"\n";
  }
  std::vector<std::string> args = {
      CrispdBinary(), "--config",    config_path(),    "--address",
      address(),      "--root",      root(),           "--state",
      state(),        "--log-level", options.log_level};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  int log = ::open(log_path().c_str(),
                   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = Spawn(args, log, options.env);
  ::close(log);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "crispd exited during start-up: " + Log();
    }
    // A fresh channel per attempt: a channel that met a stale socket would
    // wait out gRPC's reconnect backoff.
    client_ = std::make_unique<CriClient>(address());
    v1::VersionResponse version;
    if (::access(socket().c_str(), F_OK) == 0 &&
        client_->Version(&version).ok()) {
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "crispd did not answer Version within 20s: " + Log();
}

std::optional<int> CrispdProcess::Stop(int sig,
                                       std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

CrispdProcess::Result CrispdProcess::RunOnce(
    const std::vector<std::string>& args) {
  char tmpl[] = "/tmp/crisp-out.XXXXXX";
  int fd = ::mkstemp(tmpl);
  std::vector<std::string> full = {CrispdBinary()};
  full.insert(full.end(), args.begin(), args.end());
  pid_t pid = Spawn(full, fd);
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = Slurp(tmpl);
  ::unlink(tmpl);
  return r;
}

std::string CrispdProcess::Log() const { return Slurp(log_path()); }

}  // namespace crisp::testing
