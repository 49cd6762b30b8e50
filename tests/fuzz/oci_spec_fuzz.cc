// OCI runtime spec JSON (runtime/oci/json.*): config.json, a lone process
// (exec --process) and a lone resources object (update --resources). A
// parsed spec is validated, written back, and must parse again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/oci/json.h"
#include "runtime/oci/validate.h"

using namespace crisp::runtime::oci;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)ParseResources(text);
  auto process = ParseProcess(text);
  if (process.ok()) (void)ValidateProcess(*process);
  auto spec = Parse(text);
  if (!spec.ok()) return 0;
  (void)Validate(*spec);
  if (!Parse(ToJson(*spec).dump()).ok()) std::abort();
  return 0;
}
