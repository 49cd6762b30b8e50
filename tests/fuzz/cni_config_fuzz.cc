// CNI network configuration files (cni/network_config.*), as .conf and as
// .conflist text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cni/network_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto conf = crisp::cni::ParseNetworkConfig("/etc/cni/net.d/10.conf", text);
  if (conf.ok()) (void)conf->list.dump();
  (void)crisp::cni::ParseNetworkConfig("/etc/cni/net.d/10.conflist", text);
  return 0;
}
