// Turns what a failed CNI plugin left behind into a status: the spec's
// error object {"cniVersion", "code", "msg", "details"} on stdout when it
// printed one, else its exit status and the start of its output.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crisp::cni {

struct PluginOutput {
  int wait_status = 0;  // as waitpid() reports it
  std::string out, err;
};

// The status for a plugin run that did not exit 0, named
// "CNI plugin <path> <command>". Well-known CNI codes map to status codes
// (3 → NotFound, 11 → Unavailable, 2/4/6/7 → InvalidArgument, ...).
absl::Status PluginFailure(absl::string_view plugin, absl::string_view command,
                           const PluginOutput& output);

// `text` trimmed and cut to `max` bytes (marked "..."), for messages.
std::string Excerpt(absl::string_view text, size_t max = 1024);

}  // namespace crisp::cni
