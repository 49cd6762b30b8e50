#include "common/json.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace crisp::json {
namespace {

absl::Status WrongType(absl::string_view what, absl::string_view key,
                       absl::string_view want, const Json& got) {
  return absl::InvalidArgumentError(absl::StrCat(what, key.empty() ? "" : ": ",
                                                 key, ": expected ", want,
                                                 ", got ", got.type_name()));
}

absl::Status OutOfRange(absl::string_view what, absl::string_view key) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": ", key, ": integer out of range"));
}

// Runs `read` on the member when present; nullopt when absent.
template <typename T, typename Read>
absl::StatusOr<std::optional<T>> Get(const Json& obj, absl::string_view key,
                                     Read read) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return std::optional<T>();
  absl::StatusOr<T> got = read(*v);
  if (!got.ok()) return got.status();
  return std::optional<T>(*std::move(got));
}

}  // namespace

absl::StatusOr<Json> ParseObject(absl::string_view body,
                                 absl::string_view what) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a JSON object"));
  }
  return j;
}

const Json* Find(const Json& obj, absl::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

absl::Status Missing(absl::string_view what, absl::string_view key) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", key, ": missing"));
}

absl::StatusOr<std::optional<std::string>> GetString(const Json& obj,
                                                     absl::string_view key,
                                                     absl::string_view what) {
  return Get<std::string>(obj, key, [&](const Json& v) {
    return AsString(v, absl::StrCat(what, ": ", key));
  });
}

absl::StatusOr<std::optional<bool>> GetBool(const Json& obj,
                                            absl::string_view key,
                                            absl::string_view what) {
  return Get<bool>(obj, key, [&](const Json& v) -> absl::StatusOr<bool> {
    if (!v.is_boolean()) return WrongType(what, key, "a boolean", v);
    return v.get<bool>();
  });
}

absl::StatusOr<std::optional<int64_t>> GetInt64(const Json& obj,
                                                absl::string_view key,
                                                absl::string_view what) {
  return Get<int64_t>(obj, key, [&](const Json& v) -> absl::StatusOr<int64_t> {
    if (!v.is_number_integer()) return WrongType(what, key, "an integer", v);
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return OutOfRange(what, key);
    }
    return v.get<int64_t>();
  });
}

absl::StatusOr<std::optional<uint64_t>> GetUint64(const Json& obj,
                                                  absl::string_view key,
                                                  absl::string_view what) {
  return Get<uint64_t>(obj, key,
                       [&](const Json& v) -> absl::StatusOr<uint64_t> {
                         if (!v.is_number_integer()) {
                           return WrongType(what, key, "an integer", v);
                         }
                         if (!v.is_number_unsigned() && v.get<int64_t>() < 0) {
                           return OutOfRange(what, key);
                         }
                         return v.get<uint64_t>();
                       });
}

absl::StatusOr<const Json*> GetObject(const Json& obj, absl::string_view key,
                                      absl::string_view what) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_object()) {
    return WrongType(what, key, "an object", *v);
  }
  return v;
}

absl::StatusOr<const Json*> GetArray(const Json& obj, absl::string_view key,
                                     absl::string_view what) {
  const Json* v = Find(obj, key);
  if (v != nullptr && !v->is_array()) {
    return WrongType(what, key, "an array", *v);
  }
  return v;
}

absl::StatusOr<std::optional<std::vector<std::string>>> GetStringList(
    const Json& obj, absl::string_view key, absl::string_view what) {
  using List = std::vector<std::string>;
  return Get<List>(obj, key, [&](const Json& v) -> absl::StatusOr<List> {
    if (!v.is_array()) return WrongType(what, key, "an array of strings", v);
    List out;
    for (size_t i = 0; i < v.size(); ++i) {
      absl::StatusOr<std::string> s =
          AsString(v[i], absl::StrCat(what, ": ", key, "[", i, "]"));
      if (!s.ok()) return s.status();
      out.push_back(*std::move(s));
    }
    return out;
  });
}

absl::StatusOr<std::optional<std::map<std::string, std::string>>> GetStringMap(
    const Json& obj, absl::string_view key, absl::string_view what) {
  using Map = std::map<std::string, std::string>;
  return Get<Map>(obj, key, [&](const Json& v) -> absl::StatusOr<Map> {
    if (!v.is_object()) return WrongType(what, key, "an object of strings", v);
    Map out;
    for (const auto& [name, value] : v.items()) {
      absl::StatusOr<std::string> s =
          AsString(value, absl::StrCat(what, ": ", key, ".", name));
      if (!s.ok()) return s.status();
      out.emplace(name, *std::move(s));
    }
    return out;
  });
}

absl::StatusOr<std::optional<std::vector<std::string>>> GetKeys(
    const Json& obj, absl::string_view key, absl::string_view what) {
  using List = std::vector<std::string>;
  return Get<List>(obj, key, [&](const Json& v) -> absl::StatusOr<List> {
    if (!v.is_object()) return WrongType(what, key, "an object", v);
    List out;
    for (const auto& item : v.items()) out.push_back(item.key());
    return out;
  });
}

absl::StatusOr<std::string> StringOr(const Json& obj, absl::string_view key,
                                     std::string fallback,
                                     absl::string_view what) {
  absl::StatusOr<std::optional<std::string>> v = GetString(obj, key, what);
  if (!v.ok()) return v.status();
  return v->has_value() ? **std::move(v) : std::move(fallback);
}

absl::StatusOr<int64_t> Int64Or(const Json& obj, absl::string_view key,
                                int64_t fallback, absl::string_view what) {
  absl::StatusOr<std::optional<int64_t>> v = GetInt64(obj, key, what);
  if (!v.ok()) return v.status();
  return v->value_or(fallback);
}

absl::StatusOr<std::string> AsString(const Json& v, absl::string_view what) {
  if (!v.is_string()) return WrongType(what, "", "a string", v);
  return v.get_ref<const std::string&>();
}

}  // namespace crisp::json
