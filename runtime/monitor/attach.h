// The attach socket of a monitor (<dir>/attach.sock): a unix stream socket
// carrying frames of [type:1][length:4, big endian][payload]. The monitor
// sends kStdout/kStderr output and kExit (payload: the exit code); clients
// send kStdin, kResize ("rows cols"), kCloseStdin and kReopenLog.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/unique_fd.h"

namespace crisp::runtime::monitor {

enum class FrameType : uint8_t {
  kStdin = 0,
  kStdout = 1,
  kStderr = 2,
  kExit = 3,
  kResize = 4,
  kCloseStdin = 5,
  kReopenLog = 6
};

struct AttachFrame {
  FrameType type;
  std::string payload;
};

std::string EncodeFrame(FrameType type, absl::string_view payload);

// Accumulates bytes from a stream and yields whole frames.
class FrameReader {
 public:
  void Append(absl::string_view data) {
    buffer_.append(data.data(), data.size());
  }
  // The next whole frame, if any; InvalidArgument for an oversize frame.
  [[nodiscard]] absl::StatusOr<std::vector<AttachFrame>> Take();

 private:
  std::string buffer_;
};

// socket + bind + listen at `path` (removed first), mode 0600.
[[nodiscard]] absl::StatusOr<UniqueFd> Listen(const std::string& path);

}  // namespace crisp::runtime::monitor
