#include "runtime/monitor/attach.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unix_socket.h"

namespace crisp::runtime::monitor {

constexpr size_t kMaxFrame = 1 << 20;

std::string EncodeFrame(FrameType type, absl::string_view payload) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(type);
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>(n >> (24 - 8 * i));
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<std::vector<AttachFrame>> FrameReader::Take() {
  std::vector<AttachFrame> frames;
  size_t off = 0;
  while (buffer_.size() - off >= 5) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) {
      n = (n << 8) | static_cast<uint8_t>(buffer_[off + 1 + i]);
    }
    if (n > kMaxFrame) {
      return absl::InvalidArgumentError(
          absl::StrCat("attach frame of ", n, " bytes"));
    }
    if (buffer_.size() - off - 5 < n) break;
    frames.push_back(
        {static_cast<FrameType>(buffer_[off]), buffer_.substr(off + 5, n)});
    off += 5 + n;
  }
  buffer_.erase(0, off);
  return frames;
}

absl::StatusOr<UniqueFd> Listen(const std::string& path) {
  return ListenUnix(path, SOCK_NONBLOCK, 0600);
}

}  // namespace crisp::runtime::monitor
