// crispd's command line, named as containerd names its flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config.h"

namespace crisp::server {

inline constexpr char kDefaultConfigPath[] = "/etc/crisp/crisp.toml";

struct CommandLine {
  enum class Command {
    kServe,
    kPrintDefaultConfig,
    kListFailpoints,
    kVersion,
    kHelp
  };
  Command command = Command::kServe;
  std::string config_path = kDefaultConfigPath;
  bool config_path_given = false;  // a missing default file is not an error
  std::optional<std::string> address, root, state, log_level;
};

// Parses argv (without argv[0]). Unknown flags and missing values are
// InvalidArgument naming the flag.
[[nodiscard]] absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args);

// Flags override the file.
void ApplyOverrides(const CommandLine& cli, Config* config);

// Loads the file the command line names (defaults if the default file is
// absent), applies flag overrides and validates the result.
[[nodiscard]] absl::StatusOr<Config> ResolveConfig(const CommandLine& cli);

std::string UsageText();

}  // namespace crisp::server
