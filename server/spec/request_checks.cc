#include "server/spec/request_checks.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::server::spec {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view value,
                     absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " \"", absl::CHexEscape(value), "\": ", why));
}

bool HasDotDot(absl::string_view path) {
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part == "..") return true;
  }
  return false;
}

absl::Status CheckPathString(absl::string_view field, absl::string_view path) {
  if (path.find('\0') != absl::string_view::npos) {
    return Invalid(field, path, "contains a NUL byte");
  }
  if (HasDotDot(path)) {
    return Invalid(field, path, "must not contain \"..\" components");
  }
  return absl::OkStatus();
}

absl::Status CheckUnifiedKey(absl::string_view key) {
  if (key.empty() || key == "." || key == ".." ||
      key.find_first_of(absl::string_view("/\0", 2)) !=
          absl::string_view::npos) {
    return Invalid("resources.unified key", key,
                   "must be a cgroup file name without \"/\"");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckLogDirectory(absl::string_view dir) {
  if (dir.empty()) return absl::OkStatus();  // no logs for this pod
  if (dir[0] != '/') {
    return Invalid("log_directory", dir, "must be an absolute path");
  }
  return CheckPathString("log_directory", dir);
}

absl::Status CheckLogPath(absl::string_view path) {
  return CheckPathString("log_path", path);
}

absl::Status CheckCgroupParent(absl::string_view parent) {
  return CheckPathString("cgroup_parent", parent);
}

absl::Status CheckResources(const ::runtime::v1::LinuxContainerResources& r) {
  for (const auto& [key, value] : r.unified()) {
    RETURN_IF_ERROR(CheckUnifiedKey(key));
  }
  return absl::OkStatus();
}

}  // namespace crisp::server::spec
