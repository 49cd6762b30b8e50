// The command line of crisp-runtime: global flags, a verb, its flags and
// positional arguments, in the runc/crun spelling ("--bundle x",
// "--bundle=x", "-b x", "--force").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crisp::runtime::cli {

struct Args {
  std::string verb;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;  // long names

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // The last value of a flag, or `fallback`.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& name) const;
  // The state dir of the container named by the first positional argument.
  absl::StatusOr<std::string> StateDir() const;
};

[[nodiscard]] absl::StatusOr<Args> ParseArgs(int argc, char** argv);

}  // namespace crisp::runtime::cli
