// The parts of an OCI image config (the "config" object of the config blob)
// that shape a container's process, and signal names.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crisp::server::spec {

struct ImageConfig {
  std::vector<std::string> env;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
  std::string stop_signal;
};

// Parses the config blob. An empty blob is an empty config; malformed JSON
// or a field of the wrong type is InvalidArgument naming the field.
[[nodiscard]] absl::StatusOr<ImageConfig> ParseImageConfig(
    const std::string& json);

// "SIGTERM", "TERM", "15", "SIGRTMIN+3" → the signal number; InvalidArgument
// for anything else.
[[nodiscard]] absl::StatusOr<int> SignalNumber(const std::string& name);

}  // namespace crisp::server::spec
