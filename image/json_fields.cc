#include "image/json_fields.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace crisp::image {
namespace {

absl::Status WrongType(absl::string_view what, absl::string_view key,
                       absl::string_view want, const Json& got) {
  return absl::InvalidArgumentError(absl::StrCat(what, key.empty() ? "" : ": ",
                                                 key, ": expected ", want,
                                                 ", got ", got.type_name()));
}

// The value at `key`, or nullptr when absent or null. find() on a
// non-object is end(), never a throw.
const Json* Find(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

absl::StatusOr<Json> ParseJsonObject(absl::string_view body,
                                     absl::string_view what) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a JSON object"));
  }
  return j;
}

absl::StatusOr<std::string> StringField(const Json& j, const char* key,
                                        absl::string_view what) {
  const Json* v = Find(j, key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return WrongType(what, key, "a string", *v);
  return v->get_ref<const std::string&>();
}

absl::StatusOr<int64_t> IntField(const Json& j, const char* key,
                                 int64_t fallback, absl::string_view what) {
  const Json* v = Find(j, key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) return WrongType(what, key, "an integer", *v);
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", key, ": integer out of range"));
  }
  return v->get<int64_t>();
}

absl::StatusOr<const Json*> ArrayField(const Json& j, const char* key,
                                       absl::string_view what) {
  const Json* v = Find(j, key);
  if (v != nullptr && !v->is_array()) {
    return WrongType(what, key, "an array", *v);
  }
  return v;
}

absl::StatusOr<const Json*> ObjectField(const Json& j, const char* key,
                                        absl::string_view what) {
  const Json* v = Find(j, key);
  if (v != nullptr && !v->is_object()) {
    return WrongType(what, key, "an object", *v);
  }
  return v;
}

absl::StatusOr<std::string> StringValue(const Json& j, absl::string_view what) {
  if (!j.is_string()) return WrongType(what, "", "a string", j);
  return j.get_ref<const std::string&>();
}

}  // namespace crisp::image
