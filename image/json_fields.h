// Type-checked, non-throwing reads of untrusted JSON (registry manifests,
// indexes, image configs, token server answers, stored layer lists).
// nlohmann's value(), get<T>() and operator[] throw type_error when a key
// holds another type than asked for; an exception from a download thread
// aborts crispd, so nothing under image/ reads JSON except through these.
// Every error is InvalidArgument "<what>: <key>: expected <type>, got
// <type>", naming the object and the field.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace crisp::image {

using Json = nlohmann::json;

// `body` parsed; InvalidArgument "<what>: not a JSON object" otherwise.
[[nodiscard]] absl::StatusOr<Json> ParseJsonObject(absl::string_view body,
                                                   absl::string_view what);

// The string at `key`; "" when `key` is absent or null.
[[nodiscard]] absl::StatusOr<std::string> StringField(const Json& j,
                                                      const char* key,
                                                      absl::string_view what);

// The integer at `key` (within int64); `fallback` when absent or null.
[[nodiscard]] absl::StatusOr<int64_t> IntField(const Json& j, const char* key,
                                               int64_t fallback,
                                               absl::string_view what);

// The array or object at `key`, or nullptr when absent or null.
[[nodiscard]] absl::StatusOr<const Json*> ArrayField(const Json& j,
                                                     const char* key,
                                                     absl::string_view what);
[[nodiscard]] absl::StatusOr<const Json*> ObjectField(const Json& j,
                                                      const char* key,
                                                      absl::string_view what);

// The string `j` itself (an array element); `what` names it.
[[nodiscard]] absl::StatusOr<std::string> StringValue(const Json& j,
                                                      absl::string_view what);

}  // namespace crisp::image
