#include "runtime/cli/args.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crisp::runtime::cli {
namespace {

// Flags that take a value; every other flag is a switch.
const std::set<std::string>& ValueFlags() {
  static const auto* flags = new std::set<std::string>{
      "bundle",       "pid-file",      "console-socket",  "root",
      "log",          "log-format",    "process",         "cwd",
      "env",          "user",          "format",          "resources",
      "memory",       "memory-swap",   "pids-limit",      "cpu-quota",
      "cpu-period",   "cpu-shares",    "cpuset-cpus",     "cpuset-mems",
      "preserve-fds", "criu",          "additional-gids", "cap",
      "apparmor",     "process-label", "log-level"};
  return *flags;
}

std::string LongName(const std::string& flag) {
  static const std::map<std::string, std::string> kShort = {
      {"b", "bundle"},    {"f", "force"},
      {"d", "detach"},    {"t", "tty"},
      {"p", "process"},   {"e", "env"},
      {"u", "user"},      {"a", "all"},
      {"r", "resources"}, {"g", "additional-gids"},
      {"c", "cap"}};
  auto it = kShort.find(flag);
  return it == kShort.end() ? flag : it->second;
}

}  // namespace

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Args::All(const std::string& name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<std::string> Args::StateDir() const {
  if (positional.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(verb, ": a container id is required"));
  }
  const std::string& id = positional[0];
  if (id.empty() || absl::StrContains(id, '/') || id == "." || id == "..") {
    return absl::InvalidArgumentError(absl::StrCat("invalid id \"", id, "\""));
  }
  return absl::StrCat(Get("root", "/run/crisp-runtime"), "/", id);
}

absl::StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args args;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      if (args.verb.empty()) {
        args.verb = a;
      } else {
        args.positional.push_back(a);
        // exec's command starts after the id: its flags are its own.
        if (args.verb == "exec" && !args.positional.empty() &&
            !args.Has("process")) {
          flags_done = args.positional.size() >= 2 || flags_done;
        }
      }
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1), value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    name = LongName(name);
    if (ValueFlags().count(name) && !inline_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat(a, " needs a value"));
      }
      value = argv[++i];
    }
    args.flags[name].push_back(value);
  }
  if (args.verb.empty()) return absl::InvalidArgumentError("no command given");
  return args;
}

}  // namespace crisp::runtime::cli
