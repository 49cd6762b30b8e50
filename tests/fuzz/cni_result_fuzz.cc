// CNI plugin results (cni/result.*): parsed, then rewritten for every spec
// version a list may ask for, and the pod IPs taken from it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cni/result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto result = crisp::cni::ParseResult("CNI plugin fuzz", text);
  if (!result.ok()) return 0;
  for (const char* v : {"0.2.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
    (void)crisp::cni::ResultJsonForVersion(*result, v).dump();
  }
  (void)crisp::cni::PodIps(*result);
  return 0;
}
