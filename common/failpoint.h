// Failpoints: named places in crispd's multi-step operations where a test
// can make the step fail or the process die, to prove that every
// interruption is rolled back or recovered. They are chosen once, at
// start-up, from the environment:
//
//   CRISP_FAILPOINTS="sandbox.run.after_cni=crash;container.create.after_monitor=1*error"
//
// Actions: `error` (the step returns an Internal error naming the point),
// `crash` (SIGKILL to the process, as a kill -9 at that instant),
// `sleep(<ms>)`. A `<n>*` prefix fires the action only the first n times.
// A name not in Points() is refused, so a typo cannot make a test pass
// without ever reaching the point. Unset, a point costs one relaxed load.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crisp::failpoint {

inline constexpr char kEnvironmentVariable[] = "CRISP_FAILPOINTS";

// Every point the code hits, sorted.
const std::vector<std::string>& Points();

// Parses and installs `spec` ("name=action;..."); replaces what was set.
// InvalidArgument naming the bad entry for an unknown point or action.
[[nodiscard]] absl::Status Configure(absl::string_view spec);

// Configure($CRISP_FAILPOINTS); OK when it is unset or empty.
[[nodiscard]] absl::Status ConfigureFromEnvironment();

namespace internal {
extern std::atomic<bool> enabled;
absl::Status Fire(absl::string_view name);
}  // namespace internal

// OK unless `name` is configured; then its action.
[[nodiscard]] inline absl::Status Hit(absl::string_view name) {
  if (!internal::enabled.load(std::memory_order_relaxed)) {
    return absl::OkStatus();
  }
  return internal::Fire(name);
}

}  // namespace crisp::failpoint
