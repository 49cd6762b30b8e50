// Runs one CNI plugin executable the way the CNI spec's protocol says:
// parameters in the environment, the network config on stdin, the result
// (or a CNI error object) on stdout. Safe to call from any thread of a
// multi-threaded daemon: the child is made with posix_spawn, which does
// only async-signal-safe work between clone and execve.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace crisp::cni {

// One invocation: what the spec calls the parameters plus the config.
struct PluginCall {
  std::string plugin_path;  // absolute path of the executable
  std::string command;      // CNI_COMMAND: ADD, DEL, CHECK or VERSION
  std::string container_id;
  std::string netns;   // CNI_NETNS, may be empty for DEL
  std::string ifname;  // CNI_IFNAME
  std::string args;    // CNI_ARGS, "K=V;K=V" (see FormatCniArgs)
  std::vector<std::string> plugin_dirs;  // CNI_PATH, joined with ':'
  std::string stdin_data;                // the plugin's config JSON
};

struct ExecLimits {
  // The plugin's whole process group is killed after this.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  size_t max_stdout = 4 << 20;   // a larger result is an error
  size_t max_stderr = 16 << 10;  // stderr is logs: the rest is dropped
};

// Runs the plugin and returns its stdout when it exits 0. A non-zero exit
// becomes a status naming the plugin and command with the CNI error's code,
// msg and details (or, when stdout is no CNI error, the exit status and
// the start of stdout and stderr); a timeout is DeadlineExceeded.
[[nodiscard]] absl::StatusOr<std::string> ExecPlugin(
    const PluginCall& call, const ExecLimits& limits = {});

// "K1=V1;K2=V2" for CNI_ARGS; InvalidArgument for a key that is empty or
// holds '=' or ';', or a value that holds ';' (they could not be parsed
// back).
[[nodiscard]] absl::StatusOr<std::string> FormatCniArgs(
    const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace crisp::cni
