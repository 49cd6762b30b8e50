// SPDY/3.1 frames from a client (streaming/spdy_frame.*,
// spdy_headers.*): the input is a byte stream cut into frames, fed in two
// pieces so partial frames are exercised; the raw header block decoder
// gets the input too. Decoded frames are encoded again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "streaming/spdy_frame.h"
#include "streaming/spdy_headers.h"

using namespace crisp::streaming;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view in(reinterpret_cast<const char*>(data), size);
  (void)DecodeHeaderBlock(in);
  HeaderDecompressor decompressor;
  HeaderCompressor compressor;
  FrameReader reader;
  size_t half = size / 2;
  for (absl::string_view piece : {in.substr(0, half), in.substr(half)}) {
    reader.Append(piece);
    for (;;) {
      auto frame = reader.Next(decompressor);
      if (!frame.ok()) return 0;  // the connection would be closed
      if (!frame->has_value()) break;
      (void)EncodeFrame(**frame, compressor);
    }
  }
  return 0;
}
