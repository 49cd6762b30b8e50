// Streaming content digests (OpenSSL EVP): bytes are hashed as they arrive,
// so a blob is verified without a second read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

class Digester {
 public:
  // `algorithm` is "sha256" or "sha512"; anything else is InvalidArgument.
  [[nodiscard]] static absl::StatusOr<Digester> Create(
      absl::string_view algorithm);
  Digester(Digester&&) noexcept;
  Digester& operator=(Digester&&) noexcept;
  ~Digester();

  void Update(const void* data, size_t size);
  // "algorithm:hex" of everything so far; the state is kept, so Update may
  // continue (used to resume a download).
  std::string Digest() const;
  uint64_t bytes() const { return bytes_; }

 private:
  struct Ctx;
  Digester(std::unique_ptr<Ctx> ctx, std::string algorithm);
  std::unique_ptr<Ctx> ctx_;
  std::string algorithm_;
  uint64_t bytes_ = 0;
};

// "sha256:<hex>" of `data`.
std::string Sha256Digest(absl::string_view data);

// The hex part of "algorithm:hex".
inline std::string DigestHex(absl::string_view digest) {
  size_t colon = digest.find(':');
  return std::string(
      colon == absl::string_view::npos ? digest : digest.substr(colon + 1));
}

}  // namespace crisp::image
