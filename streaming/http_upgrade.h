// The HTTP/1.1 side of a streaming connection: the client's request head
// (parsed with Boost.Beast) and the answers — an error, or 101 Switching
// Protocols to SPDY/3.1 with the negotiated stream protocol.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace crisp::streaming {

struct HttpRequest {
  std::string method;
  std::string path;  // the target without its query
  // X-Stream-Protocol-Version, in the client's order of preference.
  std::vector<std::string> protocols;
  bool spdy_upgrade = false;  // Connection: Upgrade + Upgrade: SPDY/3.1
  std::string leftover;       // bytes read past the head
};

// The request head, read within `timeout`; InvalidArgument when it is not
// HTTP, DeadlineExceeded when it does not come.
[[nodiscard]] absl::StatusOr<HttpRequest> ReadHttpRequest(
    int fd, absl::Duration timeout);

// A short plain-text response (`headers`: extra "Name: value\r\n" lines).
void WriteHttpError(int fd, int code, absl::string_view text,
                    absl::string_view headers = "");

// 101 Switching Protocols to SPDY/3.1; false when the write failed.
bool WriteUpgradeResponse(int fd, absl::string_view protocol);

}  // namespace crisp::streaming
