#include "server/specgen/apparmor.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/specgen/apparmor_default.h"

namespace crisp::server::specgen {
namespace {

namespace v1 = ::runtime::v1;

constexpr char kLocalhostPrefix[] = "localhost/";

// What was asked, before the host is considered.
struct Request {
  enum Kind { kDefault, kUnconfined, kLocalhost } kind = kDefault;
  std::string name;  // kLocalhost
};

absl::StatusOr<Request> Localhost(const std::string& ref) {
  std::string name = ref;
  if (absl::StartsWith(name, kLocalhostPrefix)) {
    name = name.substr(sizeof(kLocalhostPrefix) - 1);
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "apparmor: a Localhost profile needs a profile name");
  }
  return Request{Request::kLocalhost, name};
}

// CRI keeps the string form for older kubelets: reading it is deliberate.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::string& ProfileString(const v1::LinuxContainerSecurityContext& sc) {
  return sc.apparmor_profile();
}
#pragma GCC diagnostic pop

absl::StatusOr<Request> FromField(const v1::SecurityProfile& p) {
  switch (p.profile_type()) {
    case v1::SecurityProfile::RuntimeDefault:
      return Request{};
    case v1::SecurityProfile::Unconfined:
      return Request{Request::kUnconfined, ""};
    case v1::SecurityProfile::Localhost:
      return Localhost(p.localhost_ref());
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("apparmor: unknown profile type ", p.profile_type()));
  }
}

absl::StatusOr<Request> Requested(const v1::LinuxContainerSecurityContext& sc) {
  if (sc.has_apparmor()) return FromField(sc.apparmor());
  const std::string& p = ProfileString(sc);
  if (p.empty() || p == "runtime/default") return Request{};
  if (p == "unconfined") return Request{Request::kUnconfined, ""};
  if (absl::StartsWith(p, kLocalhostPrefix)) return Localhost(p);
  return absl::InvalidArgumentError(absl::StrCat(
      "apparmor_profile \"", p,
      "\": expected runtime/default, unconfined or localhost/<name>"));
}

absl::StatusOr<std::string> LocalhostOnHost(const std::string& name,
                                            const AppArmorState* state) {
  if (state == nullptr || !state->enabled) {
    return absl::FailedPreconditionError(
        absl::StrCat("apparmor: profile \"", name,
                     "\" asked for but AppArmor is not enabled on this node"));
  }
  absl::StatusOr<bool> loaded =
      state->loaded ? state->loaded(name) : absl::StatusOr<bool>(false);
  if (!loaded.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("apparmor: cannot tell whether profile \"", name,
                     "\" is loaded: ", loaded.status().message()));
  }
  if (!*loaded) {
    return absl::FailedPreconditionError(
        absl::StrCat("apparmor: profile \"", name,
                     "\" is not loaded on this node (load it with "
                     "apparmor_parser first)"));
  }
  return name;
}

absl::StatusOr<std::string> DefaultOnHost(const AppArmorState* state) {
  if (state == nullptr || !state->enabled) return std::string();
  if (!state->default_profile.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "apparmor: RuntimeDefault needs profile ", kDefaultAppArmorProfile,
        ", which crispd could not load: ", state->default_profile.message()));
  }
  return std::string(kDefaultAppArmorProfile);
}

}  // namespace

absl::StatusOr<std::string> AppArmorProfile(
    const v1::LinuxContainerSecurityContext& sc, const AppArmorState* state) {
  if (sc.privileged()) return std::string();
  ASSIGN_OR_RETURN(Request r, Requested(sc));
  switch (r.kind) {
    case Request::kUnconfined:
      return std::string();
    case Request::kLocalhost:
      return LocalhostOnHost(r.name, state);
    case Request::kDefault:
      return DefaultOnHost(state);
  }
  return std::string();
}

std::string DescribeAppArmor(const AppArmorState& state) {
  if (!state.enabled) {
    return "AppArmor is unavailable on this node: RuntimeDefault containers "
           "run unconfined, Localhost profiles are refused";
  }
  if (!state.default_profile.ok()) {
    return absl::StrCat("AppArmor is enabled but profile ",
                        kDefaultAppArmorProfile,
                        " could not be loaded; RuntimeDefault containers are "
                        "refused: ",
                        state.default_profile.message());
  }
  return absl::StrCat(
      "AppArmor is enabled; RuntimeDefault containers run "
      "under profile ",
      kDefaultAppArmorProfile);
}

}  // namespace crisp::server::specgen
