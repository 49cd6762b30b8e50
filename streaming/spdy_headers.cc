#include "streaming/spdy_headers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "streaming/spdy_dictionary.h"

namespace crisp::streaming {
namespace {

// A header block larger than this is refused rather than inflated.
constexpr size_t kMaxBlock = size_t{256} * 1024;

void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

bool TakeU32(absl::string_view& in, uint32_t* v) {
  if (in.size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v = (*v << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(4);
  return true;
}

bool TakeString(absl::string_view& in, std::string* s) {
  uint32_t n = 0;
  if (!TakeU32(in, &n) || in.size() < n) return false;
  s->assign(in.data(), n);
  in.remove_prefix(n);
  return true;
}

Bytef* In(absl::string_view s) {
  return reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
}

const Bytef* Dictionary() {
  return reinterpret_cast<const Bytef*>(SpdyDictionary().data());
}

}  // namespace

std::string EncodeHeaderBlock(const HeaderList& headers) {
  std::string out;
  PutU32(out, static_cast<uint32_t>(headers.size()));
  for (const auto& [name, value] : headers) {
    PutU32(out, static_cast<uint32_t>(name.size()));
    out += absl::AsciiStrToLower(name);
    PutU32(out, static_cast<uint32_t>(value.size()));
    out += value;
  }
  return out;
}

absl::StatusOr<HeaderList> DecodeHeaderBlock(absl::string_view in) {
  uint32_t count = 0;
  // Each pair takes at least 8 bytes: a count beyond that is a lie.
  if (!TakeU32(in, &count) || count > in.size() / 8) {
    return absl::InvalidArgumentError("spdy header block: bad pair count");
  }
  HeaderList headers(count);
  for (auto& [name, value] : headers) {
    if (!TakeString(in, &name) || !TakeString(in, &value)) {
      return absl::InvalidArgumentError("spdy header block: truncated");
    }
    absl::AsciiStrToLower(&name);
  }
  return headers;
}

std::string HeaderValue(const HeaderList& headers, absl::string_view name) {
  for (const auto& [n, v] : headers) {
    if (absl::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

HeaderCompressor::HeaderCompressor() {
  deflateInit(&z_, Z_DEFAULT_COMPRESSION);
  deflateSetDictionary(&z_, Dictionary(),
                       static_cast<uInt>(SpdyDictionary().size()));
}

HeaderCompressor::~HeaderCompressor() { deflateEnd(&z_); }

std::string HeaderCompressor::Compress(absl::string_view block) {
  std::string out;
  z_.next_in = In(block);
  z_.avail_in = static_cast<uInt>(block.size());
  char buf[4096];
  do {
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = sizeof(buf);
    deflate(&z_, Z_SYNC_FLUSH);
    out.append(buf, sizeof(buf) - z_.avail_out);
  } while (z_.avail_out == 0);
  return out;
}

HeaderDecompressor::HeaderDecompressor() { inflateInit(&z_); }

HeaderDecompressor::~HeaderDecompressor() { inflateEnd(&z_); }

absl::StatusOr<std::string> HeaderDecompressor::Decompress(
    absl::string_view in) {
  std::string out;
  z_.next_in = In(in);
  z_.avail_in = static_cast<uInt>(in.size());
  char buf[4096];
  do {
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = sizeof(buf);
    int rc = inflate(&z_, Z_SYNC_FLUSH);
    if (rc == Z_NEED_DICT) {
      rc = inflateSetDictionary(&z_, Dictionary(),
                                static_cast<uInt>(SpdyDictionary().size()));
      if (rc == Z_OK) continue;
    }
    out.append(buf, sizeof(buf) - z_.avail_out);
    if (rc == Z_BUF_ERROR && z_.avail_in == 0) break;
    if (rc != Z_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("spdy header block: zlib error ", rc));
    }
    if (out.size() > kMaxBlock) {
      return absl::InvalidArgumentError("spdy header block: too large");
    }
  } while (z_.avail_in > 0 || z_.avail_out == 0);
  return out;
}

}  // namespace crisp::streaming
