#include "streaming/spdy_frame.h"

#include "absl/strings/str_cat.h"

namespace crisp::streaming {
namespace {

constexpr uint16_t kVersion = 3;
constexpr uint32_t kMaxLength = 0xffffff;

void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint32_t U32(absl::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

// The control frame's payload, headers compressed.
std::string ControlPayload(const SpdyFrame& f, HeaderCompressor& c) {
  std::string p;
  switch (f.type) {
    case FrameType::kSynStream:
      PutU32(p, f.stream_id & 0x7fffffff);
      PutU32(p, f.associated_id & 0x7fffffff);
      p.push_back(static_cast<char>((f.priority & 0x7) << 5));
      p.push_back(0);  // slot
      return p + c.Compress(EncodeHeaderBlock(f.headers));
    case FrameType::kSynReply:
    case FrameType::kHeaders:
      PutU32(p, f.stream_id & 0x7fffffff);
      return p + c.Compress(EncodeHeaderBlock(f.headers));
    case FrameType::kRstStream:
    case FrameType::kGoAway:
      PutU32(p, f.stream_id & 0x7fffffff);
      PutU32(p, f.status);
      return p;
    case FrameType::kSettings:
      PutU32(p, static_cast<uint32_t>(f.settings.size()));
      for (const Setting& s : f.settings) {
        PutU32(p, (uint32_t{s.flags} << 24) | (s.id & 0xffffff));
        PutU32(p, s.value);
      }
      return p;
    case FrameType::kPing:
      PutU32(p, f.value);
      return p;
    case FrameType::kWindowUpdate:
      PutU32(p, f.stream_id & 0x7fffffff);
      PutU32(p, f.value & 0x7fffffff);
      return p;
    case FrameType::kData:
      break;
  }
  return p;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("spdy frame: ", what));
}

// Fills the fields of control frame `f` from its payload `p`.
absl::Status ParseControl(absl::string_view p, SpdyFrame& f,
                          HeaderDecompressor& d) {
  size_t fixed = 0;
  switch (f.type) {
    case FrameType::kSynStream:
      fixed = 10;
      break;
    case FrameType::kSynReply:
    case FrameType::kHeaders:
    case FrameType::kPing:
    case FrameType::kSettings:
      fixed = 4;
      break;
    case FrameType::kRstStream:
    case FrameType::kGoAway:
    case FrameType::kWindowUpdate:
      fixed = 8;
      break;
    case FrameType::kData:
      return Malformed("control type 0");
  }
  if (p.size() < fixed) return Malformed("control frame too short");
  uint32_t first = U32(p, 0);
  if (f.type == FrameType::kPing) f.value = first;
  if (f.type == FrameType::kSettings) {
    if (p.size() != 4 + size_t{first} * 8) return Malformed("settings length");
    for (uint32_t i = 0; i < first; ++i) {
      uint32_t fid = U32(p, 4 + i * 8);
      f.settings.push_back(
          {static_cast<uint8_t>(fid >> 24), fid & 0xffffff, U32(p, 8 + i * 8)});
    }
    return absl::OkStatus();
  }
  if (f.type != FrameType::kPing) f.stream_id = first & 0x7fffffff;
  if (f.type == FrameType::kRstStream || f.type == FrameType::kGoAway) {
    f.status = U32(p, 4);
  } else if (f.type == FrameType::kWindowUpdate) {
    f.value = U32(p, 4) & 0x7fffffff;
  } else if (f.type == FrameType::kSynStream) {
    f.associated_id = U32(p, 4) & 0x7fffffff;
    f.priority = static_cast<uint8_t>(static_cast<uint8_t>(p[8]) >> 5);
  }
  if (f.type != FrameType::kSynStream && f.type != FrameType::kSynReply &&
      f.type != FrameType::kHeaders) {
    return absl::OkStatus();
  }
  auto block = d.Decompress(p.substr(fixed));
  if (!block.ok()) return block.status();
  auto headers = DecodeHeaderBlock(*block);
  if (!headers.ok()) return headers.status();
  f.headers = std::move(*headers);
  return absl::OkStatus();
}

bool KnownControl(uint16_t type) { return type >= 1 && type <= 9 && type != 5; }

}  // namespace

std::string EncodeFrame(const SpdyFrame& f, HeaderCompressor& c) {
  std::string out;
  const std::string payload =
      f.type == FrameType::kData ? std::string() : ControlPayload(f, c);
  const std::string& body = f.type == FrameType::kData ? f.data : payload;
  if (f.type == FrameType::kData) {
    PutU32(out, f.stream_id & 0x7fffffff);
  } else {
    PutU32(out, 0x80000000u | (uint32_t{kVersion} << 16) |
                    static_cast<uint16_t>(f.type));
  }
  PutU32(out, (uint32_t{f.flags} << 24) |
                  (static_cast<uint32_t>(body.size()) & kMaxLength));
  return out + body;
}

absl::StatusOr<std::optional<SpdyFrame>> FrameReader::Next(
    HeaderDecompressor& d) {
  if (buffer_.size() < 8) return std::nullopt;
  uint32_t first = U32(buffer_, 0), second = U32(buffer_, 4);
  size_t length = second & kMaxLength;
  if (buffer_.size() < 8 + length) return std::nullopt;
  SpdyFrame f;
  f.flags = static_cast<uint8_t>(second >> 24);
  absl::string_view payload = absl::string_view(buffer_).substr(8, length);
  bool control = (first & 0x80000000u) != 0;
  uint16_t type = static_cast<uint16_t>(first & 0xffff);
  absl::Status st;
  if (!control) {
    f.stream_id = first & 0x7fffffff;
    f.data = std::string(payload);
  } else if (((first >> 16) & 0x7fff) != kVersion) {
    st = Malformed(absl::StrCat("version ", (first >> 16) & 0x7fff));
  } else if (!KnownControl(type)) {
    st = Malformed(absl::StrCat("unknown control type ", type));
  } else {
    f.type = static_cast<FrameType>(type);
    st = ParseControl(payload, f, d);
  }
  buffer_.erase(0, 8 + length);
  if (!st.ok()) return st;
  return f;
}

}  // namespace crisp::streaming
