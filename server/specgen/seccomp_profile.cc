// Localhost seccomp profiles: the OCI linux.seccomp object, or Docker's
// richer form that kubelet users copy from Docker, evaluated here so the
// runtime gets a plain OCI profile.
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "server/specgen/seccomp.h"
#include "server/specgen/seccomp_default.h"

namespace crisp::server::specgen {
namespace {

using nlohmann::json;

// Reads typed fields; errors say which profile and which field.
class Fields {
 public:
  explicit Fields(std::string source) : source_(std::move(source)) {}

  absl::Status Error(absl::string_view path, absl::string_view what) const {
    if (!path.empty() && path.back() == '.') path.remove_suffix(1);
    return absl::InvalidArgumentError(
        absl::StrCat("seccomp profile ", source_, ": ", path, ": ", what));
  }
  absl::Status Str(const json& o, const char* key, const std::string& path,
                   std::string& out) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return absl::OkStatus();
    if (!it->is_string()) return Error(path + key, "expected a string");
    out = it->get<std::string>();
    return absl::OkStatus();
  }
  absl::Status Strs(const json& o, const char* key, const std::string& path,
                    std::vector<std::string>& out) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return absl::OkStatus();
    bool ok = it->is_array() &&
              std::all_of(it->begin(), it->end(),
                          [](const json& s) { return s.is_string(); });
    if (!ok) return Error(path + key, "expected an array of strings");
    for (const json& s : *it) out.push_back(s.get<std::string>());
    return absl::OkStatus();
  }
  template <class T>
  absl::Status Uint(const json& o, const char* key, const std::string& path,
                    std::optional<T>& out) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return absl::OkStatus();
    if (!it->is_number_unsigned() ||
        it->get<uint64_t>() > std::numeric_limits<T>::max()) {
      return Error(path + key, "expected an unsigned integer in range");
    }
    out = static_cast<T>(it->get<uint64_t>());
    return absl::OkStatus();
  }

 private:
  std::string source_;
};

// "6.1.0-18-amd64" → {6, 1}.
std::pair<int, int> KernelVersion(const std::string& release) {
  int major = 0, minor = 0;
  if (std::sscanf(release.c_str(), "%d.%d", &major, &minor) < 1) return {};
  return {major, minor};
}

bool KernelAtLeast(const std::string& min) {
  struct utsname u;
  if (min.empty() || uname(&u) != 0) return true;
  return KernelVersion(u.release) >= KernelVersion(min);
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Docker's includes/excludes: an entry applies when the node matches all
// of includes and none of excludes.
absl::StatusOr<bool> Applies(const Fields& f, const json& s,
                             const std::string& path,
                             const std::vector<std::string>& bounding) {
  for (const char* key : {"includes", "excludes"}) {
    auto it = s.find(key);
    if (it == s.end() || it->is_null()) continue;
    if (!it->is_object()) return f.Error(path + key, "expected an object");
    std::vector<std::string> arches, caps;
    std::string min_kernel;
    std::string sub = absl::StrCat(path, key, ".");
    RETURN_IF_ERROR(f.Strs(*it, "arches", sub, arches));
    RETURN_IF_ERROR(f.Strs(*it, "caps", sub, caps));
    RETURN_IF_ERROR(f.Str(*it, "minKernel", sub, min_kernel));
    bool include = std::string(key) == "includes";
    bool arch = Contains(arches, NativeArchName());
    bool all_caps = std::all_of(caps.begin(), caps.end(),
                                [&](auto& c) { return Contains(bounding, c); });
    bool any_cap = std::any_of(caps.begin(), caps.end(),
                               [&](auto& c) { return Contains(bounding, c); });
    bool kernel = !min_kernel.empty() && KernelAtLeast(min_kernel);
    if (include && ((!arches.empty() && !arch) || !all_caps ||
                    (!min_kernel.empty() && !kernel))) {
      return false;
    }
    if (!include && (arch || any_cap || kernel)) return false;
  }
  return true;
}

absl::Status ReadArgs(const Fields& f, const json& s, const std::string& path,
                      std::vector<runtime::oci::SeccompArg>& out) {
  static const std::set<std::string> kOps = {
      "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
      "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
  auto it = s.find("args");
  if (it == s.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_array()) return f.Error(path + "args", "expected an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& a = (*it)[i];
    std::string p = absl::StrCat(path, "args[", i, "].");
    if (!a.is_object()) return f.Error(p, "expected an object");
    std::optional<uint32_t> index;
    std::optional<uint64_t> value, value_two;
    runtime::oci::SeccompArg arg;
    RETURN_IF_ERROR(f.Uint(a, "index", p, index));
    RETURN_IF_ERROR(f.Uint(a, "value", p, value));
    RETURN_IF_ERROR(f.Uint(a, "valueTwo", p, value_two));
    RETURN_IF_ERROR(f.Str(a, "op", p, arg.op));
    if (!kOps.count(arg.op)) return f.Error(p + "op", "unknown operator");
    if (!index || *index > 5) return f.Error(p + "index", "expected 0-5");
    arg.index = *index;
    arg.value = value.value_or(0);
    arg.value_two = value_two.value_or(0);
    out.push_back(arg);
  }
  return absl::OkStatus();
}

absl::Status CheckAction(const Fields& f, const std::string& action,
                         const std::string& path) {
  static const std::set<std::string> kActions = {
      "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",        "SCMP_ACT_KILL",
      "SCMP_ACT_TRAP",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
      "SCMP_ACT_LOG",   "SCMP_ACT_TRACE"};
  if (kActions.count(action)) return absl::OkStatus();
  return f.Error(path, absl::StrCat("unsupported action \"", action, "\""));
}

absl::Status ReadSyscall(const Fields& f, const json& s, size_t i,
                         const std::vector<std::string>& bounding,
                         std::vector<runtime::oci::SeccompSyscall>& out) {
  std::string path = absl::StrCat("syscalls[", i, "].");
  if (!s.is_object()) return f.Error(path, "expected an object");
  ASSIGN_OR_RETURN(bool applies, Applies(f, s, path, bounding));
  if (!applies) return absl::OkStatus();
  runtime::oci::SeccompSyscall call;
  std::string name;
  RETURN_IF_ERROR(f.Strs(s, "names", path, call.names));
  RETURN_IF_ERROR(f.Str(s, "name", path, name));
  if (!name.empty()) call.names.push_back(name);
  if (call.names.empty()) return f.Error(path + "names", "must not be empty");
  RETURN_IF_ERROR(f.Str(s, "action", path, call.action));
  RETURN_IF_ERROR(CheckAction(f, call.action, path + "action"));
  RETURN_IF_ERROR(f.Uint(s, "errnoRet", path, call.errno_ret));
  RETURN_IF_ERROR(ReadArgs(f, s, path, call.args));
  out.push_back(std::move(call));
  return absl::OkStatus();
}

// "architectures" as given, else the archMap entry of this node's
// architecture with its sub-architectures.
absl::Status ReadArchitectures(const Fields& f, const json& p,
                               std::vector<std::string>& out) {
  RETURN_IF_ERROR(f.Strs(p, "architectures", "", out));
  auto it = p.find("archMap");
  if (!out.empty() || it == p.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_array()) return f.Error("archMap", "expected an array");
  std::vector<std::string> native = NativeSeccompArchitectures();
  for (size_t i = 0; i < it->size(); ++i) {
    std::string path = absl::StrCat("archMap[", i, "].");
    std::string arch;
    std::vector<std::string> sub;
    if (!(*it)[i].is_object()) return f.Error(path, "expected an object");
    RETURN_IF_ERROR(f.Str((*it)[i], "architecture", path, arch));
    RETURN_IF_ERROR(f.Strs((*it)[i], "subArchitectures", path, sub));
    if (native.empty() || arch != native[0]) continue;
    out.push_back(arch);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<runtime::oci::Seccomp> ParseSeccompProfile(
    const std::string& text, const std::vector<std::string>& bounding,
    const std::string& source) {
  Fields f(source);
  json p = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (p.is_discarded() || !p.is_object()) {
    return f.Error("(document)", "not a JSON object");
  }
  runtime::oci::Seccomp out;
  RETURN_IF_ERROR(f.Str(p, "defaultAction", "", out.default_action));
  RETURN_IF_ERROR(CheckAction(f, out.default_action, "defaultAction"));
  RETURN_IF_ERROR(f.Uint(p, "defaultErrnoRet", "", out.default_errno_ret));
  RETURN_IF_ERROR(ReadArchitectures(f, p, out.architectures));
  RETURN_IF_ERROR(f.Strs(p, "flags", "", out.flags));
  auto it = p.find("syscalls");
  if (it != p.end() && !it->is_null()) {
    if (!it->is_array()) return f.Error("syscalls", "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      RETURN_IF_ERROR(ReadSyscall(f, (*it)[i], i, bounding, out.syscalls));
    }
  }
  return out;
}

}  // namespace crisp::server::specgen
