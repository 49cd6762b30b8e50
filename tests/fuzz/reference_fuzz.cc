// Image references (image/reference.*): any text parses or is refused, and
// the canonical form of a parsed reference parses again to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "image/registry/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto ref = crisp::image::ParseReference(text);
  if (!ref.ok()) return 0;
  auto again = crisp::image::ParseReference(ref->String());
  if (!again.ok() || again->String() != ref->String()) std::abort();
  (void)crisp::image::ValidateDigest(ref->digest);
  return 0;
}
