#include "server/specgen/seccomp.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/specgen/host_file.h"
#include "server/specgen/seccomp_default.h"

namespace crisp::server::specgen {
namespace {

using MaybeSeccomp = std::optional<runtime::oci::Seccomp>;

constexpr char kLocalhostPrefix[] = "localhost/";
// Docker's default profile is about 20 KiB; no real profile comes near.
constexpr size_t kMaxProfileBytes = 1 << 20;

absl::StatusOr<MaybeSeccomp> Localhost(const std::string& ref,
                                       const std::vector<std::string>& caps) {
  std::string path = ref;
  if (absl::StartsWith(path, kLocalhostPrefix)) {
    path = path.substr(sizeof(kLocalhostPrefix) - 1);
  }
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "seccomp: Localhost profile \"", ref, "\" must be an absolute path"));
  }
  ASSIGN_OR_RETURN(runtime::oci::Seccomp p, LoadSeccompProfile(path, caps));
  return MaybeSeccomp(std::move(p));
}

absl::StatusOr<MaybeSeccomp> FromProfile(const v1::SecurityProfile& sp,
                                         const std::vector<std::string>& caps) {
  if (sp.profile_type() != v1::SecurityProfile::Localhost &&
      !sp.localhost_ref().empty()) {
    return absl::InvalidArgumentError(
        "seccomp: localhost_ref is set but the profile type is not "
        "Localhost");
  }
  switch (sp.profile_type()) {
    case v1::SecurityProfile::RuntimeDefault:
      return MaybeSeccomp(DefaultSeccompProfile(caps));
    case v1::SecurityProfile::Unconfined:
      return MaybeSeccomp();
    case v1::SecurityProfile::Localhost:
      return Localhost(sp.localhost_ref(), caps);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("seccomp: unknown profile type ", sp.profile_type()));
  }
}

// The deprecated string form; nothing asked means unconfined, as in
// containerd with its default configuration.
absl::StatusOr<MaybeSeccomp> FromPath(const std::string& p,
                                      const std::vector<std::string>& caps) {
  if (p.empty() || p == "unconfined") return MaybeSeccomp();
  if (p == "runtime/default" || p == "docker/default") {
    return MaybeSeccomp(DefaultSeccompProfile(caps));
  }
  if (absl::StartsWith(p, kLocalhostPrefix)) return Localhost(p, caps);
  return absl::InvalidArgumentError(absl::StrCat(
      "seccomp_profile_path \"", p,
      "\": expected runtime/default, docker/default, unconfined or "
      "localhost/<path>"));
}

// CRI keeps the string form for older kubelets: reading it is deliberate.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::string& ProfilePath(const v1::LinuxContainerSecurityContext& sc) {
  return sc.seccomp_profile_path();
}
#pragma GCC diagnostic pop

}  // namespace

absl::StatusOr<MaybeSeccomp> BuildSeccomp(
    const v1::LinuxContainerSecurityContext& sc,
    const std::vector<std::string>& bounding) {
  if (sc.privileged()) return MaybeSeccomp();
  if (sc.has_seccomp()) return FromProfile(sc.seccomp(), bounding);
  return FromPath(ProfilePath(sc), bounding);
}

absl::StatusOr<runtime::oci::Seccomp> LoadSeccompProfile(
    const std::string& path, const std::vector<std::string>& bounding) {
  ASSIGN_OR_RETURN(std::string text,
                   ReadHostFile("seccomp profile", path, kMaxProfileBytes));
  return ParseSeccompProfile(text, bounding, path);
}

}  // namespace crisp::server::specgen
