#include "cni/plugin_error.h"

#include <sys/wait.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace crisp::cni {
namespace {

// The spec's well-known codes (SPEC.md "Error codes"); 100+ belong to the
// plugin, so their meaning is unknown here.
absl::StatusCode CodeFor(int64_t cni_code) {
  switch (cni_code) {
    case 1:  // incompatible CNI version
      return absl::StatusCode::kFailedPrecondition;
    case 2:  // unsupported field in network configuration
    case 4:  // invalid necessary environment variables
    case 6:  // failed to decode content
    case 7:  // invalid network configuration
      return absl::StatusCode::kInvalidArgument;
    case 3:  // container unknown or does not exist
      return absl::StatusCode::kNotFound;
    case 5:  // I/O failure
      return absl::StatusCode::kInternal;
    case 11:  // try again later
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kUnknown;
  }
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status))
    return absl::StrCat("exit status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

std::string Field(const nlohmann::json& j, const char* key) {
  auto v = j.find(key);
  if (v == j.end() || v->is_null()) return "";
  return Excerpt(v->is_string() ? v->get<std::string>() : v->dump(), 4096);
}

// "<msg> (CNI error code N); details: <details>" when stdout is an error
// object (an object with an integer "code"); nothing otherwise.
bool DecodeError(absl::string_view out, int64_t& code, std::string& text) {
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto c = j.find("code");
  if (c == j.end() || !c->is_number_integer()) return false;
  code = c->get<int64_t>();
  std::string msg = Field(j, "msg"), details = Field(j, "details");
  text = absl::StrCat(msg.empty() ? "no message" : msg, " (CNI error code ",
                      code, ")");
  if (!details.empty()) absl::StrAppend(&text, "; details: ", details);
  return true;
}

}  // namespace

std::string Excerpt(absl::string_view text, size_t max) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() <= max) return std::string(text);
  return absl::StrCat(text.substr(0, max), "...");
}

absl::Status PluginFailure(absl::string_view plugin, absl::string_view command,
                           const PluginOutput& output) {
  std::string what = absl::StrCat("CNI plugin ", plugin, " ", command);
  int64_t code = 0;
  std::string text;
  if (DecodeError(output.out, code, text)) {
    return absl::Status(CodeFor(code), absl::StrCat(what, " failed: ", text));
  }
  std::string message = absl::StrCat(what, " failed with ",
                                     DescribeWaitStatus(output.wait_status));
  if (!output.out.empty()) {
    absl::StrAppend(&message, "; stdout: ", Excerpt(output.out));
  }
  if (!output.err.empty()) {
    absl::StrAppend(&message, "; stderr: ", Excerpt(output.err));
  }
  return absl::UnknownError(message);
}

}  // namespace crisp::cni
