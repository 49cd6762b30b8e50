// Errors are values: absl::Status / absl::StatusOr with a message naming the
// object and the cause. This header adds what absl 20220623 lacks: a
// conversion from errno and early-return macros.
#pragma once

#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crisp {

// Maps an errno value to the closest status code (ENOENT → NotFound,
// EEXIST → AlreadyExists, EACCES/EPERM → PermissionDenied, ...), with the
// message "<what>: <strerror>".
[[nodiscard]] absl::Status ErrnoToStatus(int err, absl::string_view what);

// ErrnoToStatus(errno, what), for use right after a failing syscall.
[[nodiscard]] absl::Status LastErrno(absl::string_view what);

// Prefixes a status's message with context, keeping its code.
[[nodiscard]] absl::Status Annotate(const absl::Status& status,
                                    absl::string_view context);

}  // namespace crisp

#define CRISP_CONCAT_INNER(a, b) a##b
#define CRISP_CONCAT(a, b) CRISP_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status crisp_status_ = (expr);         \
    if (!crisp_status_.ok()) return crisp_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())` declares x from F()'s value or returns
// its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  CRISP_ASSIGN_OR_RETURN_IMPL(CRISP_CONCAT(crisp_or_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): lhs is a declaration.
#define CRISP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
