// SPDY/3.1 frames (the protocol kubelet's streaming server and client-go
// speak after the HTTP Upgrade): 8-byte headers, control frames typed by a
// 16-bit code, data frames by their 31-bit stream id, all big endian.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "streaming/spdy_headers.h"

namespace crisp::streaming {

enum class FrameType : uint16_t {
  kData = 0,  // not a control type: data frames carry no type on the wire
  kSynStream = 1,
  kSynReply = 2,
  kRstStream = 3,
  kSettings = 4,
  kPing = 6,
  kGoAway = 7,
  kHeaders = 8,
  kWindowUpdate = 9,
};

inline constexpr uint8_t kFlagFin = 0x01;
inline constexpr uint8_t kFlagUnidirectional = 0x02;  // SYN_STREAM
// RST_STREAM status codes used here.
inline constexpr uint32_t kRstProtocolError = 1;
inline constexpr uint32_t kRstRefusedStream = 3;
inline constexpr uint32_t kRstCancel = 5;

struct Setting {
  uint8_t flags = 0;
  uint32_t id = 0;  // 24 bits
  uint32_t value = 0;
  bool operator==(const Setting&) const = default;
};

// One struct for every kind; each kind uses the fields its comment names.
struct SpdyFrame {
  FrameType type = FrameType::kData;
  uint8_t flags = 0;
  // data, SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE; the
  // last good stream of a GOAWAY.
  uint32_t stream_id = 0;
  uint32_t associated_id = 0;  // SYN_STREAM
  uint8_t priority = 0;        // SYN_STREAM, 3 bits
  uint32_t status = 0;         // RST_STREAM, GOAWAY
  uint32_t value = 0;          // PING id, WINDOW_UPDATE delta
  HeaderList headers;          // SYN_STREAM, SYN_REPLY, HEADERS
  std::vector<Setting> settings;
  std::string data;  // data frames

  bool fin() const { return (flags & kFlagFin) != 0; }
};

// The frame's wire bytes; header blocks go through `compressor`.
std::string EncodeFrame(const SpdyFrame& frame, HeaderCompressor& compressor);

// Cuts a byte stream into frames.
class FrameReader {
 public:
  void Append(absl::string_view bytes) {
    buffer_.append(bytes.data(), bytes.size());
  }
  // The next whole frame, nullopt when more bytes are needed;
  // InvalidArgument for a malformed frame (the connection is then unusable).
  [[nodiscard]] absl::StatusOr<std::optional<SpdyFrame>> Next(
      HeaderDecompressor& decompressor);

 private:
  std::string buffer_;
};

}  // namespace crisp::streaming
