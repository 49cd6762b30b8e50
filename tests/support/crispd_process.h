// Runs a real crispd on a temporary socket, root and state directory, so
// integration tests never touch /run/crisp or /var/lib/crisp and several
// daemons can run side by side.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/cri_client.h"

namespace crisp::testing {

struct CrispdOptions {
  std::string
      extra_config;  // TOML put before the [cni] table crispd_process writes
  std::vector<std::string> extra_args;  // flags after the defaults
  std::string log_level = "debug";
  std::vector<std::string> env;  // NAME=value added to crispd's environment
};

class CrispdProcess {
 public:
  // A fresh temp directory holding config, root, state and socket.
  CrispdProcess();
  ~CrispdProcess();  // SIGKILLs the daemon if still running, removes dir

  // Starts crispd ($CRISPD) and waits until Version answers (or it exits).
  // Returns an error text on failure, empty on success.
  std::string Start(const CrispdOptions& options = {});
  // Sends `sig` and waits up to `timeout` for exit; returns the wait status,
  // or nullopt when it did not exit in time.
  std::optional<int> Stop(int sig, std::chrono::milliseconds timeout);

  // Runs crispd with `args` to completion (no daemon), capturing output.
  struct Result {
    int exit_code = -1;
    std::string output;  // stdout and stderr
  };
  static Result RunOnce(const std::vector<std::string>& args);

  const std::string& dir() const { return dir_; }
  std::string socket() const { return dir_ + "/crisp.sock"; }
  std::string address() const { return "unix://" + socket(); }
  std::string root() const { return dir_ + "/root"; }
  std::string state() const { return dir_ + "/state"; }
  std::string config_path() const { return dir_ + "/crisp.toml"; }
  std::string log_path() const { return dir_ + "/crispd.log"; }
  std::string Log() const;
  pid_t pid() const { return pid_; }
  CriClient& client() { return *client_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::unique_ptr<CriClient> client_;
};

// Path of the crispd binary under test: $CRISPD, else the one just built.
std::string CrispdBinary();

}  // namespace crisp::testing
