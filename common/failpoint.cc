#include "common/failpoint.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "glog/logging.h"

namespace crisp::failpoint {
namespace internal {
std::atomic<bool> enabled{false};
}  // namespace internal

namespace {

enum class Kind { kError, kCrash, kSleep };

struct Action {
  Kind kind = Kind::kError;
  int64_t sleep_ms = 0;
  int64_t remaining = -1;  // -1: every time
};

// The one list of points: the code names them, tests iterate over them.
constexpr const char* kPoints[] = {
    "container.create.after_monitor", "container.create.after_rootfs",
    "container.create.after_row",     "container.create.after_spec",
    "container.create.before_save",   "container.start.after_runtime",
    "container.start.before_runtime", "image.pull.after_layers",
    "image.pull.after_manifests",     "image.pull.before_row",
    "image.remove.after_row",         "monitor.exit.before_record",
    "runtime.kill.before_thaw",       "sandbox.run.after_cni",
    "sandbox.run.after_files",        "sandbox.run.after_pause",
    "sandbox.run.after_pins",         "sandbox.run.after_row",
    "sandbox.run.before_save",        "sandbox.stop.after_cni",
    "sandbox.stop.after_containers",  "sandbox.stop.after_unmount",
    "sandbox.stop.before_save",
};

absl::Mutex mu;
std::map<std::string, Action, std::less<>>& Actions() {
  static auto* actions = new std::map<std::string, Action, std::less<>>;
  return *actions;
}

absl::StatusOr<Action> ParseAction(absl::string_view text) {
  Action a;
  std::pair<absl::string_view, absl::string_view> count =
      absl::StrSplit(text, absl::MaxSplits('*', 1));
  if (!count.second.empty()) {
    if (!absl::SimpleAtoi(count.first, &a.remaining) || a.remaining < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad count \"", count.first, "\""));
    }
    text = count.second;
  }
  if (text == "error") return a;
  if (text == "crash") {
    a.kind = Kind::kCrash;
    return a;
  }
  absl::string_view ms = text;
  if (absl::ConsumePrefix(&ms, "sleep(") && absl::ConsumeSuffix(&ms, ")") &&
      absl::SimpleAtoi(ms, &a.sleep_ms) && a.sleep_ms >= 0) {
    a.kind = Kind::kSleep;
    return a;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown action \"", text, "\" (error, crash or sleep(<ms>))"));
}

bool Known(absl::string_view name) {
  return std::find(std::begin(kPoints), std::end(kPoints), name) !=
         std::end(kPoints);
}

}  // namespace

const std::vector<std::string>& Points() {
  static const auto* points =
      new std::vector<std::string>(std::begin(kPoints), std::end(kPoints));
  return *points;
}

absl::Status Configure(absl::string_view spec) {
  std::map<std::string, Action, std::less<>> parsed;
  for (absl::string_view entry : absl::StrSplit(spec, ';', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (!Known(kv.first)) {
      return absl::InvalidArgumentError(
          absl::StrCat(kEnvironmentVariable, ": unknown failpoint \"", kv.first,
                       "\" (crispd failpoints lists them)"));
    }
    auto action = ParseAction(kv.second);
    if (!action.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kEnvironmentVariable, ": failpoint ", kv.first, ": ",
                       action.status().message()));
    }
    parsed[std::string(kv.first)] = *action;
  }
  absl::MutexLock l(&mu);
  Actions() = std::move(parsed);
  internal::enabled.store(!Actions().empty(), std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status ConfigureFromEnvironment() {
  const char* spec = std::getenv(kEnvironmentVariable);
  return Configure(spec == nullptr ? "" : spec);
}

absl::Status internal::Fire(absl::string_view name) {
  DCHECK(Known(name)) << "failpoint " << name << " is not in kPoints";
  Action a;
  {
    absl::MutexLock l(&mu);
    auto it = Actions().find(name);
    if (it == Actions().end() || it->second.remaining == 0) {
      return absl::OkStatus();
    }
    if (it->second.remaining > 0) --it->second.remaining;
    a = it->second;
  }
  switch (a.kind) {
    case Kind::kError:
      LOG(WARNING) << "failpoint " << name << ": error";
      return absl::InternalError(absl::StrCat("failpoint ", name));
    case Kind::kCrash:
      LOG(WARNING) << "failpoint " << name << ": crash";
      google::FlushLogFiles(google::GLOG_INFO);
      (void)raise(SIGKILL);
      _exit(137);  // not reached
    case Kind::kSleep:
      absl::SleepFor(absl::Milliseconds(a.sleep_ms));
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace crisp::failpoint
