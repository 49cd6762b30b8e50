// Text from a CRI request (names, ids, error messages quoting them) on its
// way into crispd's log: control characters are escaped so that a name with
// a newline cannot forge a log line of its own.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace crisp::server {

// `text` with bytes below 0x20, DEL and the backslash written as C escapes
// (\n, \t, \r, \\, \xHH); everything else, UTF-8 included, as it is.
std::string EscapeForLog(absl::string_view text);

}  // namespace crisp::server
