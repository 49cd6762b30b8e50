// crispd's TOML config (server/config/*): parsed over the defaults (toml++
// underneath), validated, and rendered as JSON for Status(verbose).
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = crisp::server::ParseConfig(text, "fuzz.toml");
  if (!config.ok()) return 0;
  (void)crisp::server::ValidateConfig(*config);
  (void)crisp::server::ConfigToJson(*config).dump();
  return 0;
}
