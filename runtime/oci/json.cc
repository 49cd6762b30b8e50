#include "runtime/oci/json.h"

#include <limits>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/bundle.h"
#include "runtime/oci/fields.h"
#include "runtime/oci/validate.h"

namespace crisp::runtime::oci {
namespace {

using nlohmann::json;

template <class T>
concept HasFields = requires(T& t, int& v) {
  Fields(v, t);
};

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsMap : std::false_type {};
template <class T>
struct IsMap<std::map<std::string, T>> : std::true_type {};

absl::Status TypeError(const std::string& path, absl::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": expected ", want));
}

template <class T>
absl::Status Read(const json& j, const std::string& path, T& out);

class Reader {
 public:
  Reader(const json& j, const std::string& path) : j_(j), path_(path) {}
  template <class T>
  void operator()(const char* key, T& out) {
    if (!status.ok()) return;
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return;
    status =
        Read(*it, path_.empty() ? key : absl::StrCat(path_, ".", key), out);
  }
  absl::Status status;

 private:
  const json& j_;
  const std::string& path_;
};

template <class T>
absl::Status ReadInteger(const json& j, const std::string& path, T& out) {
  if (!j.is_number_integer()) return TypeError(path, "an integer");
  if constexpr (std::is_unsigned_v<T>) {
    if (!j.is_number_unsigned() ||
        j.get<uint64_t>() > std::numeric_limits<T>::max()) {
      return TypeError(path, "an unsigned integer in range");
    }
  } else if (j.is_number_unsigned() &&
             j.get<uint64_t>() >
                 static_cast<uint64_t>(std::numeric_limits<T>::max())) {
    return TypeError(path, "an integer in range");
  }
  out = j.get<T>();
  return absl::OkStatus();
}

template <class T>
absl::Status Read(const json& j, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return TypeError(path, "a boolean");
    out = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    return ReadInteger(j, path, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return TypeError(path, "a string");
    out = j.get<std::string>();
  } else if constexpr (IsOptional<T>::value) {
    typename T::value_type v{};
    RETURN_IF_ERROR(Read(j, path, v));
    out = std::move(v);
  } else if constexpr (IsVector<T>::value) {
    if (!j.is_array()) return TypeError(path, "an array");
    out.clear();
    for (size_t i = 0; i < j.size(); ++i) {
      typename T::value_type v{};
      RETURN_IF_ERROR(Read(j[i], absl::StrCat(path, "[", i, "]"), v));
      out.push_back(std::move(v));
    }
  } else if constexpr (IsMap<T>::value) {
    if (!j.is_object()) return TypeError(path, "an object");
    for (auto& [k, item] : j.items()) {
      RETURN_IF_ERROR(Read(item, absl::StrCat(path, ".", k), out[k]));
    }
  } else {
    static_assert(HasFields<T>);
    if (!j.is_object()) return TypeError(path, "an object");
    Reader r(j, path);
    Fields(r, out);
    return r.status;
  }
  return absl::OkStatus();
}

template <class T>
json Write(const T& in);

class Writer {
 public:
  explicit Writer(json& j) : j_(j) {}
  template <class T>
  void operator()(const char* key, const T& in) {
    if constexpr (IsOptional<T>::value) {
      if (in.has_value()) j_[key] = Write(*in);
    } else if constexpr (IsVector<T>::value || IsMap<T>::value ||
                         std::is_same_v<T, std::string>) {
      if (!in.empty()) j_[key] = Write(in);
    } else {
      j_[key] = Write(in);
    }
  }

 private:
  json& j_;
};

template <class T>
json Write(const T& in) {
  if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
    return json(in);
  } else if constexpr (IsVector<T>::value) {
    json a = json::array();
    for (const auto& v : in) a.push_back(Write(v));
    return a;
  } else if constexpr (IsMap<T>::value) {
    json o = json::object();
    for (const auto& [k, v] : in) o[k] = Write(v);
    return o;
  } else {
    json o = json::object();
    Writer w(o);
    Fields(w, const_cast<T&>(in));
    return o;
  }
}

}  // namespace

absl::StatusOr<Spec> FromJson(const json& j) {
  Spec spec;
  spec.oci_version.clear();
  RETURN_IF_ERROR(Read(j, "", spec));
  return spec;
}

absl::StatusOr<Spec> Parse(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError("config.json: not valid JSON");
  }
  return FromJson(j);
}

absl::StatusOr<Process> ParseProcess(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError("process.json: not valid JSON");
  }
  Process p;
  RETURN_IF_ERROR(Read(j, "process", p));
  RETURN_IF_ERROR(ValidateProcess(p));
  return p;
}

absl::StatusOr<Resources> ParseResources(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError("resources: not valid JSON");
  }
  Resources r;
  RETURN_IF_ERROR(Read(j, "resources", r));
  return r;
}

json ToJson(const Spec& spec) { return Write(spec); }
json ToJson(const Process& process) { return Write(process); }
json ToJson(const Seccomp& seccomp) { return Write(seccomp); }
json ToJson(const Resources& resources) { return Write(resources); }

absl::StatusOr<Spec> LoadBundle(const std::string& bundle) {
  ASSIGN_OR_RETURN(std::string text,
                   ReadFile(BundleLayout(bundle).ConfigJson()));
  ASSIGN_OR_RETURN(Spec spec, Parse(text));
  RETURN_IF_ERROR(Validate(spec));
  if (!spec.root->path.empty() && spec.root->path[0] != '/') {
    spec.root->path = absl::StrCat(bundle, "/", spec.root->path);
  }
  return spec;
}

bool HasNamespace(const Spec& spec, const std::string& type) {
  if (!spec.linux) return false;
  for (const auto& ns : spec.linux->namespaces) {
    if (ns.type == type) return true;
  }
  return false;
}

std::string NamespacePath(const Spec& spec, const std::string& type) {
  if (!spec.linux) return "";
  for (const auto& ns : spec.linux->namespaces) {
    if (ns.type == type) return ns.path;
  }
  return "";
}

}  // namespace crisp::runtime::oci
