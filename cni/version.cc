#include "cni/version.h"

#include <array>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace crisp::cni {
namespace {

std::array<int, 3> Parse(absl::string_view version) {
  std::array<int, 3> parts = {0, 0, 0};
  std::vector<absl::string_view> fields = absl::StrSplit(version, '.');
  if (fields.size() > 3) return {0, 1, 0};
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!absl::SimpleAtoi(fields[i], &parts[i]) || parts[i] < 0) {
      return {0, 1, 0};
    }
  }
  return parts;
}

}  // namespace

bool VersionAtLeast(absl::string_view version, absl::string_view minimum) {
  return Parse(version) >= Parse(minimum);
}

}  // namespace crisp::cni
