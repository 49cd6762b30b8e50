#include "common/logging.h"
#include "absl/strings/string_view.h"

#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace crisp {
namespace {

struct Level {
  absl::string_view name;
  int min_severity;
  int verbosity;
};

constexpr Level kLevels[] = {
    {"debug", google::GLOG_INFO, 1},   {"info", google::GLOG_INFO, 0},
    {"warn", google::GLOG_WARNING, 0}, {"error", google::GLOG_ERROR, 0},
    {"fatal", google::GLOG_FATAL, 0},
};

const Level* FindLevel(absl::string_view name) {
  for (const auto& l : kLevels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

}  // namespace

absl::Status ValidateLogLevel(absl::string_view level) {
  if (FindLevel(level) != nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "log level \"", level, "\": want debug, info, warn, error or fatal"));
}

absl::Status InitLogging(const char* argv0, absl::string_view level) {
  const Level* l = FindLevel(level);
  if (l == nullptr) return ValidateLogLevel(level);
  static bool initialised = false;
  if (!initialised) {
    google::InitGoogleLogging(argv0);
    initialised = true;
  }
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = l->min_severity;
  FLAGS_v = l->verbosity;
  return absl::OkStatus();
}

}  // namespace crisp
