#include "image/content/digester.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"

namespace crisp::image {

struct Digester::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Digester::Digester(std::unique_ptr<Ctx> ctx, std::string algorithm)
    : ctx_(std::move(ctx)), algorithm_(std::move(algorithm)) {}
Digester::Digester(Digester&&) noexcept = default;
Digester& Digester::operator=(Digester&&) noexcept = default;
Digester::~Digester() = default;

absl::StatusOr<Digester> Digester::Create(absl::string_view algorithm) {
  const EVP_MD* md = algorithm == "sha256"   ? EVP_sha256()
                     : algorithm == "sha512" ? EVP_sha512()
                                             : nullptr;
  if (md == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported digest algorithm \"", algorithm, "\""));
  }
  auto ctx = std::make_unique<Ctx>();
  if (ctx->md == nullptr || EVP_DigestInit_ex(ctx->md, md, nullptr) != 1) {
    return absl::InternalError("OpenSSL: cannot initialise digest");
  }
  return Digester(std::move(ctx), std::string(algorithm));
}

void Digester::Update(const void* data, size_t size) {
  EVP_DigestUpdate(ctx_->md, data, size);
  bytes_ += size;
}

std::string Digester::Digest() const {
  // Finalise a copy so the running state stays usable.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, ctx_->md);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(copy, out, &len);
  EVP_MD_CTX_free(copy);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t{len} * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return absl::StrCat(algorithm_, ":", hex);
}

std::string Sha256Digest(absl::string_view data) {
  auto d = Digester::Create("sha256");
  d->Update(data.data(), data.size());
  return d->Digest();
}

}  // namespace crisp::image
