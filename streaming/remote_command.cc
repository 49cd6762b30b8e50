#include "streaming/remote_command.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace crisp::streaming {

const std::vector<std::string>& RemoteCommandProtocols() {
  static const auto* kProtocols = new std::vector<std::string>{
      kRemoteCommandV5, kRemoteCommandV4, kRemoteCommandV3, kRemoteCommandV2,
      kRemoteCommandV1};
  return *kProtocols;
}

const std::vector<std::string>& PortForwardProtocols() {
  static const auto* kProtocols = new std::vector<std::string>{kPortForwardV1};
  return *kProtocols;
}

std::string NegotiateProtocol(const std::vector<std::string>& client,
                              const std::vector<std::string>& server) {
  for (const std::string& c : client) {
    for (const std::string& s : server) {
      if (c == s) return c;
    }
  }
  return "";
}

bool UsesJsonStatus(absl::string_view protocol) {
  return protocol == kRemoteCommandV4 || protocol == kRemoteCommandV5;
}

bool SupportsResize(absl::string_view protocol) {
  return protocol == kRemoteCommandV3 || UsesJsonStatus(protocol);
}

namespace {

// metav1.Status as client-go decodes it: an exit code travels as a cause
// of type (JSON "reason") "ExitCode" under the reason "NonZeroExitCode".
nlohmann::json JsonStatus(const CommandResult& r) {
  nlohmann::json s = {{"metadata", nlohmann::json::object()}};
  if (!r.error.ok()) {
    std::string message =
        absl::StrCat("Internal error occurred: ", r.error.message());
    s.update({{"status", "Failure"},
              {"message", message},
              {"reason", "InternalError"},
              {"details", {{"causes", {{{"message", message}}}}}},
              {"code", 500}});
  } else if (r.exit_code != 0) {
    s.update({{"status", "Failure"},
              {"message", absl::StrCat("command terminated with non-zero "
                                       "exit code: exit status ",
                                       r.exit_code)},
              {"reason", "NonZeroExitCode"},
              {"details",
               {{"causes",
                 {{{"reason", "ExitCode"},
                   {"message", absl::StrCat(r.exit_code)}}}}}}});
  } else {
    s["status"] = "Success";
  }
  return s;
}

}  // namespace

std::string StatusMessage(absl::string_view protocol,
                          const CommandResult& result) {
  if (UsesJsonStatus(protocol)) return JsonStatus(result).dump();
  if (!result.error.ok()) return std::string(result.error.message());
  if (result.exit_code != 0) {
    return absl::StrCat("command terminated with non-zero exit code: ",
                        "exit status ", result.exit_code);
  }
  return "";
}

std::vector<TerminalSize> ResizeDecoder::Append(absl::string_view data) {
  buffer_.append(data.data(), data.size());
  std::vector<TerminalSize> sizes;
  // Objects hold no nested braces, so each one ends at the first '}'.
  for (size_t end; (end = buffer_.find('}')) != std::string::npos;) {
    std::string object = buffer_.substr(0, end + 1);
    buffer_.erase(0, end + 1);
    auto j = nlohmann::json::parse(object, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) continue;
    auto field = [&j](const char* key) -> uint16_t {
      auto it = j.find(key);
      if (it == j.end() || !it->is_number_unsigned()) return 0;
      return static_cast<uint16_t>(it->get<uint32_t>());
    };
    sizes.push_back({field("Width"), field("Height")});
  }
  if (buffer_.size() > 4096) buffer_.clear();  // no object is this long
  return sizes;
}

}  // namespace crisp::streaming
