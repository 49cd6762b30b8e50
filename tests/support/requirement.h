// What a test needs from the machine (root, the lab registry, installed
// packages). On a developer's machine a missing requirement skips the test
// with a message; under CI=true, where hack/test.sh provides all of them,
// it fails, so a broken lab can never turn CI green by skipping.
#pragma once

#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"

namespace crisp::testing {

inline bool RunningInCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::strcmp(ci, "true") == 0;
}

}  // namespace crisp::testing

#define CRISP_REQUIRE(condition, message)                      \
  do {                                                         \
    if (!(condition)) {                                        \
      if (::crisp::testing::RunningInCi()) {                   \
        GTEST_FAIL() << message << " (required when CI=true)"; \
      } else {                                                 \
        GTEST_SKIP() << message;                               \
      }                                                        \
    }                                                          \
  } while (0)
