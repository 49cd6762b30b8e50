// crisp-runtime: the runtime library as an OCI runtime command line, with
// the flags containerd and Podman pass to runc/crun. Errors go to stderr
// and, with --log, to that file (--log-format json: one
// {"level","msg","time"} object per line, as runc writes them).
#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/logging.h"
#include "common/sealed_binary.h"
#include "nlohmann/json.hpp"
#include "runtime/cli/verbs.h"

namespace crisp::runtime::cli {
namespace {

void LogError(const Args& args, const absl::Status& st) {
  std::cerr << "crisp-runtime: " << st.message() << std::endl;
  if (!args.Has("log")) return;
  std::string line;
  if (args.Get("log-format") == "json") {
    nlohmann::json j = {
        {"level", "error"},
        {"msg", std::string(st.message())},
        {"time", absl::FormatTime(absl::RFC3339_full, absl::Now(),
                                  absl::UTCTimeZone())}};
    line = j.dump() + "\n";
  } else {
    line = absl::StrCat("error: ", st.message(), "\n");
  }
  int fd = open(args.Get("log").c_str(),
                O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void)!write(fd, line.data(), line.size());
    close(fd);
  }
}

absl::Status Dispatch(const Args& args, int* exit_code) {
  const std::string& v = args.verb;
  if (v == "create") return Create(args);
  if (v == "start") return Start(args);
  if (v == "state") return State(args);
  if (v == "kill") return Kill(args);
  if (v == "delete") return Delete(args);
  if (v == "exec") return Exec(args, exit_code);
  if (v == "run") return Run(args, exit_code);
  if (v == "ps") return Ps(args);
  if (v == "update") return Update(args);
  if (v == "features") return Features(args);
  if (v == "--version" || v == "version") {
    std::cout << "crisp-runtime version 0.1.0\nspec: 1.2.0" << std::endl;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command \"", v, "\""));
}

// Verbs whose processes run inside the container before their final execve:
// they must not run from the host file (common/sealed_binary.h).
bool EntersContainer(const std::string& verb) {
  return verb == "create" || verb == "run" || verb == "exec";
}

}  // namespace
}  // namespace crisp::runtime::cli

int main(int argc, char** argv) {
  using namespace crisp::runtime::cli;
  auto args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::cerr << "crisp-runtime: " << args.status().message() << "\n"
              << "usage: crisp-runtime [--root dir] [--log file] "
                 "create|start|state|kill|delete|exec|run|ps|update|features"
              << std::endl;
    return 1;
  }
  (void)crisp::InitLogging(argv[0], args->Has("debug") ? "debug" : "warn");
  int exit_code = 0;
  absl::Status st = EntersContainer(args->verb) ? crisp::EnsureSealedSelf(argv)
                                                : absl::OkStatus();
  if (st.ok()) st = Dispatch(*args, &exit_code);
  if (!st.ok()) {
    LogError(*args, st);
    return 1;
  }
  return exit_code;
}
