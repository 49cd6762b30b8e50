// SPDY/3 name/value header blocks: the plain encoding (a count, then
// length-prefixed names and values, all 32-bit big endian) and its zlib
// compression. Each direction of a connection is one zlib stream primed
// with the SPDY dictionary, flushed (Z_SYNC_FLUSH) at the end of each block,
// so a compressor or decompressor lives as long as its connection.
#pragma once

#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::streaming {

// Names are lowercase on the wire (SPDY/3 requires it); several values of
// one name travel as one value joined by NUL bytes.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string EncodeHeaderBlock(const HeaderList& headers);
// InvalidArgument when the block is truncated or claims too much.
[[nodiscard]] absl::StatusOr<HeaderList> DecodeHeaderBlock(
    absl::string_view block);

// The value of `name` (case-insensitive), empty when absent.
std::string HeaderValue(const HeaderList& headers, absl::string_view name);

class HeaderCompressor {
 public:
  HeaderCompressor();
  ~HeaderCompressor();
  HeaderCompressor(const HeaderCompressor&) = delete;
  HeaderCompressor& operator=(const HeaderCompressor&) = delete;

  std::string Compress(absl::string_view block);

 private:
  z_stream z_{};
};

class HeaderDecompressor {
 public:
  HeaderDecompressor();
  ~HeaderDecompressor();
  HeaderDecompressor(const HeaderDecompressor&) = delete;
  HeaderDecompressor& operator=(const HeaderDecompressor&) = delete;

  // One frame's compressed block; InvalidArgument when zlib refuses it.
  [[nodiscard]] absl::StatusOr<std::string> Decompress(absl::string_view in);

 private:
  z_stream z_{};
};

}  // namespace crisp::streaming
