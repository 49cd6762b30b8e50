#include "server/log_escape.h"

#include "absl/strings/str_format.h"

namespace crisp::server {

std::string EscapeForLog(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (b < 0x20 || b == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", b);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace crisp::server
