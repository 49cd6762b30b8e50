// Registry bodies (image/manifest.*, image/image_config.*): the input goes
// to the classifier and to every parser (manifest, index, image config);
// none may crash, and a parsed index goes through the platform choice.
#include <cstddef>
#include <cstdint>
#include <string>

#include "image/image_config.h"
#include "image/registry/manifest.h"

using namespace crisp::image;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  (void)ClassifyManifest("application/json", body);
  (void)ClassifyManifest(kOciIndex, body);
  (void)ParseManifest(body);
  (void)ParseImageConfig(body);
  auto index = ParseIndex(body);
  if (index.ok()) {
    (void)ChoosePlatform(*index, {"linux", "amd64", ""});
    (void)ChoosePlatform(*index, {"linux", "arm", "v7"});
    (void)ChoosePlatform(*index, {"linux", "arm64", "v8"});
  }
  return 0;
}
