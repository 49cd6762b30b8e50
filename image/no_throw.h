// The last line of defence against exceptions (nlohmann, std::bad_alloc,
// std::system_error, future_error): image code returns absl::Status, but
// an exception escaping a download thread aborts crispd, and one escaping
// a pull leaves waiters behind. NoThrow turns it into Internal naming the
// operation and the exception.
#pragma once

#include <exception>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

// Internal "<what>: unexpected exception: <e.what()>" for the exception
// being handled; call only inside a catch block.
inline absl::Status CurrentExceptionStatus(absl::string_view what) {
  try {
    throw;
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat(what, ": unexpected exception: ", e.what()));
  } catch (...) {
    return absl::InternalError(
        absl::StrCat(what, ": unexpected exception of unknown type"));
  }
}

// f() (returning absl::Status or absl::StatusOr<T>), or the exception it
// threw as an Internal status.
template <typename F>
auto NoThrow(absl::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    return CurrentExceptionStatus(what);
  }
}

}  // namespace crisp::image
