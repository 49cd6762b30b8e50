// crispd's own records (pods, containers) read back from the JSON it
// stored. Their readers use nlohmann's throwing accessors (at, get_to): a
// row is ours, so a field that does not match is a damaged or foreign row,
// and it must become an error here rather than a crash of crispd.
#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/json.h"
#include "common/status.h"

namespace crisp::json {

// `read` fills a T (with a std::string member `id`) from the parsed object.
// A text that is no object is InvalidArgument "stored <noun>: not a JSON
// object"; an error `read` returns or a nlohmann exception it throws is
// InvalidArgument "stored <noun> <id read so far>: <cause>".
template <typename T>
[[nodiscard]] absl::StatusOr<T> ReadRecord(
    absl::string_view text, absl::string_view noun,
    absl::FunctionRef<absl::Status(const Json&, T&)> read) {
  const std::string what = absl::StrCat("stored ", noun);
  ASSIGN_OR_RETURN(Json j, ParseObject(text, what));
  T record;
  absl::Status s;
  try {
    s = read(j, record);
  } catch (const Json::exception& e) {
    s = absl::InvalidArgumentError(e.what());
  }
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", record.id, ": ", s.message()));
  }
  return record;
}

}  // namespace crisp::json
