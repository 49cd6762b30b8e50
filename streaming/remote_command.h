// The parts of Kubernetes' remote command protocol (exec and attach over
// SPDY) that are plain data: versions, stream types, the status written on
// the error stream, terminal size messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crisp::streaming {

// In the server's order of preference; v5 is v4 on SPDY (its CLOSE signal
// exists only on WebSocket).
inline constexpr const char* kRemoteCommandV5 = "v5.channel.k8s.io";
inline constexpr const char* kRemoteCommandV4 = "v4.channel.k8s.io";
inline constexpr const char* kRemoteCommandV3 = "v3.channel.k8s.io";
inline constexpr const char* kRemoteCommandV2 = "v2.channel.k8s.io";
inline constexpr const char* kRemoteCommandV1 = "channel.k8s.io";
inline constexpr const char* kPortForwardV1 = "portforward.k8s.io";

const std::vector<std::string>& RemoteCommandProtocols();
const std::vector<std::string>& PortForwardProtocols();

// The first of the client's protocols the server speaks, as kubelet
// chooses; empty when none.
std::string NegotiateProtocol(const std::vector<std::string>& client,
                              const std::vector<std::string>& server);

// v4 and v5 write a JSON metav1.Status on the error stream; older versions
// write an error's text, and nothing on success.
bool UsesJsonStatus(absl::string_view protocol);
// v3 and later carry terminal resizes on a "resize" stream.
bool SupportsResize(absl::string_view protocol);

// How a command ended: an exit code, or an error that kept it from running.
struct CommandResult {
  absl::Status error;  // not OK: the command could not be run or attached
  int exit_code = 0;
};

// The bytes for the error stream ("" means write nothing).
std::string StatusMessage(absl::string_view protocol,
                          const CommandResult& result);

struct TerminalSize {
  uint16_t width = 0, height = 0;
};

// Splits the resize stream's concatenated JSON objects
// ({"Width":80,"Height":24}) as they arrive.
class ResizeDecoder {
 public:
  // The sizes completed by `data`, in order.
  std::vector<TerminalSize> Append(absl::string_view data);

 private:
  std::string buffer_;
};

}  // namespace crisp::streaming
