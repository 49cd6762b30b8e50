#include "image/content/layer_stream.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::image {
namespace {

constexpr size_t kInSize = 256 << 10;
constexpr size_t kOutSize = 256 << 10;

}  // namespace

struct LayerStream::State {
  std::vector<unsigned char> in = std::vector<unsigned char>(kInSize);
  std::vector<unsigned char> out = std::vector<unsigned char>(kOutSize);
  size_t in_pos = 0, in_len = 0;
  bool eof = false;
  bool member_done = false;  // gzip: between members
  bool frame_open = false;   // zstd: inside a frame
  z_stream z{};
  bool z_init = false;
  ZSTD_DStream* zstd = nullptr;
  ~State() {
    if (z_init) inflateEnd(&z);
    if (zstd != nullptr) ZSTD_freeDStream(zstd);
  }
};

LayerStream::LayerStream(UniqueFd fd, std::string path, Codec codec, Digester d)
    : fd_(std::move(fd)),
      path_(std::move(path)),
      codec_(codec),
      digester_(std::move(d)),
      state_(std::make_unique<State>()) {}

LayerStream::~LayerStream() = default;

absl::StatusOr<std::unique_ptr<LayerStream>> LayerStream::Open(
    const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return crisp::LastErrno("open layer " + path);
  unsigned char magic[4] = {};
  ssize_t n = ::pread(fd.get(), magic, sizeof magic, 0);
  if (n < 0) return crisp::LastErrno("read layer " + path);
  Codec codec = Codec::kNone;
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) codec = Codec::kGzip;
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
      magic[3] == 0xfd) {
    codec = Codec::kZstd;
  }
  ASSIGN_OR_RETURN(Digester d, Digester::Create("sha256"));
  auto s = std::unique_ptr<LayerStream>(
      new LayerStream(std::move(fd), path, codec, std::move(d)));
  if (codec == Codec::kGzip) {
    if (inflateInit2(&s->state_->z, 16 + MAX_WBITS) != Z_OK) {
      return absl::InternalError("zlib: inflateInit2 failed");
    }
    s->state_->z_init = true;
  } else if (codec == Codec::kZstd) {
    s->state_->zstd = ZSTD_createDStream();
    if (s->state_->zstd == nullptr) {
      return absl::InternalError("zstd: cannot create a stream");
    }
    ZSTD_initDStream(s->state_->zstd);
  }
  return s;
}

ssize_t LayerStream::ReadRaw(void* buf, size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_.get(), buf, size);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    status_ = crisp::LastErrno("read layer " + path_);
    return -1;
  }
}

// Refills the compressed input buffer; 0 at end of file.
ssize_t LayerStream::Fill() {
  State& s = *state_;
  if (s.in_pos < s.in_len) return static_cast<ssize_t>(s.in_len - s.in_pos);
  ssize_t n = ReadRaw(s.in.data(), s.in.size());
  if (n <= 0) {
    s.eof = n == 0;
    return n;
  }
  s.in_pos = 0;
  s.in_len = static_cast<size_t>(n);
  return n;
}

// One inflate call over the buffered input; bytes produced or -1.
ssize_t LayerStream::InflateStep() {
  State& s = *state_;
  if (s.member_done) {  // another gzip member follows: concatenated
    inflateReset(&s.z);
    s.member_done = false;
  }
  s.z.next_in = s.in.data() + s.in_pos;
  s.z.avail_in = static_cast<uInt>(s.in_len - s.in_pos);
  s.z.next_out = s.out.data();
  s.z.avail_out = static_cast<uInt>(s.out.size());
  int rc = inflate(&s.z, Z_NO_FLUSH);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    status_ = absl::DataLossError(absl::StrCat(
        "layer ", path_, ": corrupt gzip (", s.z.msg ? s.z.msg : "", ")"));
    return -1;
  }
  if (rc == Z_STREAM_END) s.member_done = true;
  s.in_pos = s.in_len - s.z.avail_in;
  return static_cast<ssize_t>(s.out.size() - s.z.avail_out);
}

// One zstd call over the buffered input; bytes produced or -1.
ssize_t LayerStream::ZstdStep() {
  State& s = *state_;
  ZSTD_inBuffer in{s.in.data(), s.in_len, s.in_pos};
  ZSTD_outBuffer out{s.out.data(), s.out.size(), 0};
  size_t rc = ZSTD_decompressStream(s.zstd, &out, &in);
  if (ZSTD_isError(rc)) {
    status_ = absl::DataLossError(absl::StrCat(
        "layer ", path_, ": corrupt zstd (", ZSTD_getErrorName(rc), ")"));
    return -1;
  }
  s.frame_open = rc != 0;  // 0: a frame just ended
  s.in_pos = in.pos;
  return static_cast<ssize_t>(out.pos);
}

// At the end of the input a stream must not stop inside a gzip member or
// a zstd frame.
ssize_t LayerStream::AtEnd() {
  State& s = *state_;
  bool open = codec_ == Codec::kGzip ? !s.member_done && s.z.total_in > 0
                                     : s.frame_open;
  if (!open) return 0;
  status_ = absl::DataLossError("layer " + path_ + ": truncated stream");
  return -1;
}

ssize_t LayerStream::Decode(const void** chunk) {
  for (;;) {
    ssize_t avail = Fill();
    if (avail < 0) return -1;
    if (avail == 0) return AtEnd();
    ssize_t produced = codec_ == Codec::kGzip ? InflateStep() : ZstdStep();
    if (produced != 0) {
      *chunk = state_->out.data();
      return produced;
    }
  }
}

ssize_t LayerStream::Read(const void** chunk) {
  ssize_t n;
  if (codec_ == Codec::kNone) {
    n = ReadRaw(state_->out.data(), state_->out.size());
    *chunk = state_->out.data();
  } else {
    n = Decode(chunk);
  }
  if (n > 0 && max_bytes_ > 0 &&
      digester_.bytes() + static_cast<uint64_t>(n) > max_bytes_) {
    status_ = absl::ResourceExhaustedError(
        absl::StrCat("layer expands to more than ", max_bytes_,
                     " bytes (limit ", limit_key_, ")"));
    return -1;
  }
  if (n > 0) digester_.Update(*chunk, static_cast<size_t>(n));
  return n;
}

absl::Status LayerStream::Drain() {
  const void* chunk;
  ssize_t n;
  while ((n = Read(&chunk)) > 0) {
  }
  return n < 0 ? status_ : absl::OkStatus();
}

}  // namespace crisp::image
