// crispd: the Crisp CRI daemon.
#include <iostream>

#include "common/failpoint.h"
#include "common/logging.h"
#include "glog/logging.h"
#include "server/cli/flags.h"
#include "server/config/config.h"
#include "server/daemon/daemon.h"
#include "server/version.h"

using namespace crisp::server;

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "crispd: " << status.message() << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  BlockShutdownSignals();
  auto cli = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli.ok()) return Fail(cli.status());
  switch (cli->command) {
    case CommandLine::Command::kHelp:
      std::cout << UsageText();
      return 0;
    case CommandLine::Command::kVersion:
      std::cout << kRuntimeName << " " << kRuntimeVersion << std::endl;
      return 0;
    case CommandLine::Command::kPrintDefaultConfig:
      std::cout << DefaultConfigToml();
      return 0;
    case CommandLine::Command::kListFailpoints:
      for (const auto& p : crisp::failpoint::Points()) std::cout << p << "\n";
      return 0;
    case CommandLine::Command::kServe:
      break;
  }
  // A typo in a test's failpoint must stop crispd, not pass unnoticed.
  if (auto s = crisp::failpoint::ConfigureFromEnvironment(); !s.ok()) {
    return Fail(s);
  }
  auto config = ResolveConfig(*cli);
  if (!config.ok()) return Fail(config.status());
  if (auto s = crisp::InitLogging(argv[0], config->log_level); !s.ok()) {
    return Fail(s);
  }
  auto daemon = Daemon::Prepare(*std::move(config));
  if (!daemon.ok()) return Fail(daemon.status());
  if (auto s = (*daemon)->Serve(); !s.ok()) return Fail(s);
  return 0;
}
