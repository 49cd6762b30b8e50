// The uncompressed byte stream of a layer blob: gzip (multi-member), zstd
// or plain tar, detected from the magic bytes, hashed as it is read so the
// result can be checked against the config's diff_id.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"
#include "image/content/digester.h"

namespace crisp::image {

class LayerStream {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LayerStream>> Open(
      const std::string& path);
  ~LayerStream();

  // Next chunk of uncompressed bytes: 0 at the end, -1 on error (see
  // status()). The chunk stays valid until the next call.
  ssize_t Read(const void** chunk);
  // Fails the stream (ResourceExhausted naming `key`) once more than
  // `max_bytes` uncompressed bytes come out; 0: no cap.
  void LimitBytes(uint64_t max_bytes, std::string key) {
    max_bytes_ = max_bytes;
    limit_key_ = std::move(key);
  }
  // Reads to the end, so that the digest covers the whole stream.
  [[nodiscard]] absl::Status Drain();
  const absl::Status& status() const { return status_; }
  // "sha256:..." of the uncompressed bytes read so far.
  std::string Digest() const { return digester_.Digest(); }
  uint64_t size() const { return digester_.bytes(); }

 private:
  enum class Codec { kNone, kGzip, kZstd };
  struct State;
  LayerStream(UniqueFd fd, std::string path, Codec codec, Digester d);
  ssize_t Fill();
  ssize_t Decode(const void** chunk);
  ssize_t InflateStep();
  ssize_t ZstdStep();
  ssize_t AtEnd();
  ssize_t ReadRaw(void* buf, size_t size);

  UniqueFd fd_;
  std::string path_;
  Codec codec_;
  Digester digester_;
  std::unique_ptr<State> state_;
  absl::Status status_;
  uint64_t max_bytes_ = 0;
  std::string limit_key_;
};

}  // namespace crisp::image
