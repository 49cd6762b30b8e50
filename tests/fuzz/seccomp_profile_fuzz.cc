// seccomp profiles (server/specgen/seccomp_profile.cc: the OCI form and
// Docker's, with archMap and includes/excludes), as a Localhost profile
// file is read; the result is written as linux.seccomp JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/oci/json.h"
#include "server/specgen/seccomp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& caps : {std::vector<std::string>{},
                           std::vector<std::string>{"CAP_SYS_ADMIN"}}) {
    auto p =
        crisp::server::specgen::ParseSeccompProfile(text, caps, "fuzz.json");
    if (p.ok()) (void)crisp::runtime::oci::ToJson(*p).dump();
  }
  return 0;
}
