#include "sandbox/pod.h"

#include "absl/strings/str_cat.h"

namespace crisp::sandbox {

std::string PodMetadata::Key() const {
  return absl::StrCat(name, "_", namespace_, "_", uid, "_", attempt);
}

}  // namespace crisp::sandbox
