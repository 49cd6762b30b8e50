// Typed, non-throwing reads of untrusted JSON (registry manifests, indexes,
// image configs, token server answers, CNI configs and results, our own
// stored rows). nlohmann's value(), get<T>() and operator[] throw
// type_error when a key holds another type than asked for; an exception
// from a download or plugin thread aborts crispd, so JSON from outside is
// read only through these.
//
// Every accessor reads member `key` of the object `obj`. A member that is
// absent or null is "absent" (nullopt, nullptr or the fallback); a member
// of another type is InvalidArgument "<what>: <key>: expected <type>, got
// <type>", where `what` names the object and its place in the document
// ("image config: config", "CNI result of x: ips[0]"). Reading a member of
// a value that is not an object is "absent", never a throw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace crisp::json {

using Json = nlohmann::json;

// `body` parsed; InvalidArgument "<what>: not a JSON object" otherwise.
[[nodiscard]] absl::StatusOr<Json> ParseObject(absl::string_view body,
                                               absl::string_view what);

// The member itself, or nullptr when absent or null.
const Json* Find(const Json& obj, absl::string_view key);

// InvalidArgument "<what>: <key>: missing", for members a caller requires.
absl::Status Missing(absl::string_view what, absl::string_view key);

[[nodiscard]] absl::StatusOr<std::optional<std::string>> GetString(
    const Json& obj, absl::string_view key, absl::string_view what);
[[nodiscard]] absl::StatusOr<std::optional<bool>> GetBool(
    const Json& obj, absl::string_view key, absl::string_view what);
// Integers only (1.0 is not one); a value outside the type's range is
// InvalidArgument "<what>: <key>: integer out of range".
[[nodiscard]] absl::StatusOr<std::optional<int64_t>> GetInt64(
    const Json& obj, absl::string_view key, absl::string_view what);
[[nodiscard]] absl::StatusOr<std::optional<uint64_t>> GetUint64(
    const Json& obj, absl::string_view key, absl::string_view what);
// The object or array itself; nullptr when absent.
[[nodiscard]] absl::StatusOr<const Json*> GetObject(const Json& obj,
                                                    absl::string_view key,
                                                    absl::string_view what);
[[nodiscard]] absl::StatusOr<const Json*> GetArray(const Json& obj,
                                                   absl::string_view key,
                                                   absl::string_view what);
// An array of strings / an object of strings; "<what>: <key>[1]: expected
// a string, got number" names the element at fault.
[[nodiscard]] absl::StatusOr<std::optional<std::vector<std::string>>>
GetStringList(const Json& obj, absl::string_view key, absl::string_view what);
[[nodiscard]] absl::StatusOr<std::optional<std::map<std::string, std::string>>>
GetStringMap(const Json& obj, absl::string_view key, absl::string_view what);
// The member names of an object whose values are ignored (the OCI image
// config's Volumes and ExposedPorts: {"80/tcp": {}}), in key order.
[[nodiscard]] absl::StatusOr<std::optional<std::vector<std::string>>> GetKeys(
    const Json& obj, absl::string_view key, absl::string_view what);

// The same with a value for "absent", for the many optional fields.
[[nodiscard]] absl::StatusOr<std::string> StringOr(const Json& obj,
                                                   absl::string_view key,
                                                   std::string fallback,
                                                   absl::string_view what);
[[nodiscard]] absl::StatusOr<int64_t> Int64Or(const Json& obj,
                                              absl::string_view key,
                                              int64_t fallback,
                                              absl::string_view what);

// The value `v` itself as a string (an array element); InvalidArgument
// "<what>: expected a string, got <type>" otherwise.
[[nodiscard]] absl::StatusOr<std::string> AsString(const Json& v,
                                                   absl::string_view what);

}  // namespace crisp::json
