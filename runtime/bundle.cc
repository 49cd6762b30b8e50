#include "runtime/bundle.h"

#include "absl/strings/str_cat.h"

namespace crisp::runtime {

std::string BundleLayout::In(absl::string_view name) const {
  return absl::StrCat(dir_, "/", name);
}

std::string BundleLayout::ExecPidFile(absl::string_view token) const {
  return In(absl::StrCat("exec-", token, ".pid"));
}

std::string BundleLayout::ExecConsoleSocket(absl::string_view token) const {
  return In(absl::StrCat("exec-", token, ".sock"));
}

}  // namespace crisp::runtime
