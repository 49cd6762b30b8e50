#include "server/cli/flags.h"
#include "absl/strings/string_view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::server {
namespace {

// Splits "--name=value" or takes the value from the next argument.
absl::StatusOr<std::string> FlagValue(const std::vector<std::string>& args,
                                      size_t* i, absl::string_view name) {
  const std::string& arg = args[*i];
  auto eq = arg.find('=');
  if (eq != std::string::npos) return arg.substr(eq + 1);
  if (*i + 1 >= args.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", name, " needs a value"));
  }
  return args[++*i];
}

std::string FlagName(const std::string& arg) {
  std::string name = arg.substr(arg.find_first_not_of('-'));
  return name.substr(0, name.find('='));
}

absl::Status ParseFlag(const std::vector<std::string>& args, size_t* i,
                       CommandLine* cli) {
  std::string name = FlagName(args[*i]);
  if (name == "help" || name == "h") {
    cli->command = CommandLine::Command::kHelp;
    return absl::OkStatus();
  }
  if (name == "version" || name == "v") {
    cli->command = CommandLine::Command::kVersion;
    return absl::OkStatus();
  }
  std::optional<std::string>* target = nullptr;
  if (name == "address" || name == "a") target = &cli->address;
  if (name == "root") target = &cli->root;
  if (name == "state") target = &cli->state;
  if (name == "log-level" || name == "l") target = &cli->log_level;
  if (name == "config" || name == "c") {
    ASSIGN_OR_RETURN(cli->config_path, FlagValue(args, i, name));
    cli->config_path_given = true;
    return absl::OkStatus();
  }
  if (target == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown flag ", args[*i], " (see crispd --help)"));
  }
  ASSIGN_OR_RETURN(*target, FlagValue(args, i, name));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& args) {
  CommandLine cli;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    if (absl::StartsWith(args[i], "-")) {
      RETURN_IF_ERROR(ParseFlag(args, &i, &cli));
    } else {
      positional.push_back(args[i]);
    }
  }
  if (positional.empty()) return cli;
  if (positional == std::vector<std::string>{"config", "default"}) {
    cli.command = CommandLine::Command::kPrintDefaultConfig;
    return cli;
  }
  if (positional == std::vector<std::string>{"failpoints"}) {
    cli.command = CommandLine::Command::kListFailpoints;
    return cli;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown command \"", positional[0], "\" (see crispd --help)"));
}

void ApplyOverrides(const CommandLine& cli, Config* config) {
  if (cli.address) config->address = *cli.address;
  if (cli.root) config->root = *cli.root;
  if (cli.state) config->state = *cli.state;
  if (cli.log_level) config->log_level = *cli.log_level;
}

absl::StatusOr<Config> ResolveConfig(const CommandLine& cli) {
  absl::StatusOr<Config> config = LoadConfigFile(cli.config_path);
  if (!config.ok() && absl::IsNotFound(config.status()) &&
      !cli.config_path_given) {
    config = Config{};
  }
  if (!config.ok()) return config.status();
  ApplyOverrides(cli, &*config);
  RETURN_IF_ERROR(ValidateConfig(*config));
  return config;
}

std::string UsageText() {
  return absl::StrCat(
      "usage: crispd [flags]            run the CRI daemon\n"
      "       crispd config default     print the default config\n"
      "       crispd failpoints         list the failpoints CRISP_FAILPOINTS "
      "may set\n"
      "\n"
      "flags (override the config file):\n"
      "  -c, --config FILE      config file (default ",
      kDefaultConfigPath,
      ")\n"
      "  -a, --address ADDR     CRI socket, unix:///path\n"
      "      --root DIR         persistent state directory\n"
      "      --state DIR        runtime state directory\n"
      "  -l, --log-level LEVEL  debug, info, warn, error or fatal\n"
      "  -v, --version          print the version\n"
      "  -h, --help             print this help\n");
}

}  // namespace crisp::server
