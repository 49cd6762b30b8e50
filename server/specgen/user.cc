#include "server/specgen/user.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "server/specgen/etc_files.h"

namespace crisp::server::specgen {
namespace {

// "user[:group]" as asked, and where it came from for error messages.
struct UserRef {
  std::string user;
  std::string group;  // "" = the user's own group from /etc/passwd
  std::string origin;
};

absl::StatusOr<UserRef> Requested(const v1::LinuxContainerSecurityContext& sc,
                                  const std::string& image_user) {
  UserRef ref;
  ref.origin = "security context";
  if (!sc.run_as_username().empty()) {
    ref.user = sc.run_as_username();
  } else if (sc.has_run_as_user()) {
    ref.user = absl::StrCat(sc.run_as_user().value());
  }
  if (sc.has_run_as_group()) {
    if (ref.user.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("run_as_group ", sc.run_as_group().value(),
                       ": set without run_as_user or run_as_username"));
    }
    ref.group = absl::StrCat(sc.run_as_group().value());
  }
  if (!ref.user.empty()) return ref;
  ref.origin = "image User";
  std::vector<std::string> parts = absl::StrSplit(image_user, ':');
  if (parts.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("image User \"", image_user, "\": expected user[:group]"));
  }
  ref.user = parts[0].empty() ? "0" : parts[0];
  if (parts.size() == 2) ref.group = parts[1];
  return ref;
}

bool IsNumber(absl::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// runc accepts ids up to INT32_MAX; so does containerd.
absl::StatusOr<uint32_t> ParseId(const std::string& s, absl::string_view what,
                                 const std::string& origin) {
  int64_t v = -1;
  if (!absl::SimpleAtoi(s, &v) || v < 0 ||
      v > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": ", what, " ", s, " is out of range"));
  }
  return static_cast<uint32_t>(v);
}

absl::Status ResolveUid(const UserRef& ref, const EtcFiles& files,
                        runtime::oci::User& out) {
  if (IsNumber(ref.user)) {
    ASSIGN_OR_RETURN(out.uid, ParseId(ref.user, "uid", ref.origin));
    const PasswdEntry* e = files.UserById(out.uid);
    out.gid = e != nullptr ? e->gid : 0;
    return absl::OkStatus();
  }
  const PasswdEntry* e = files.UserByName(ref.user);
  if (e == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        ref.origin, ": user \"", ref.user, "\" not found in the image's ",
        files.has_passwd ? "/etc/passwd" : "rootfs (no /etc/passwd)"));
  }
  out.uid = e->uid;
  out.gid = e->gid;
  return absl::OkStatus();
}

absl::Status ResolveGid(const UserRef& ref, const EtcFiles& files,
                        runtime::oci::User& out) {
  if (ref.group.empty()) return absl::OkStatus();
  if (IsNumber(ref.group)) {
    ASSIGN_OR_RETURN(out.gid, ParseId(ref.group, "gid", ref.origin));
    return absl::OkStatus();
  }
  std::optional<uint32_t> gid = files.GroupId(ref.group);
  if (!gid) {
    return absl::InvalidArgumentError(absl::StrCat(
        ref.origin, ": group \"", ref.group, "\" not found in the image's ",
        files.has_group ? "/etc/group" : "rootfs (no /etc/group)"));
  }
  out.gid = *gid;
  return absl::OkStatus();
}

// The groups that list the user as a member; its own-named group is its
// primary one, not a supplementary one (containerd's rule).
std::vector<uint32_t> MemberGroups(const UserRef& ref, const EtcFiles& files,
                                   uint32_t uid) {
  std::string name = ref.user;
  if (IsNumber(ref.user)) {
    const PasswdEntry* e = files.UserById(uid);
    if (e == nullptr) return {};
    name = e->name;
  }
  std::vector<uint32_t> gids;
  for (const GroupEntry& g : files.group) {
    if (g.name == name) continue;
    if (std::find(g.members.begin(), g.members.end(), name) !=
        g.members.end()) {
      gids.push_back(g.gid);
    }
  }
  return gids;
}

absl::Status AddSupplemental(const v1::LinuxContainerSecurityContext& sc,
                             std::vector<uint32_t>& gids) {
  for (int64_t g : sc.supplemental_groups()) {
    ASSIGN_OR_RETURN(uint32_t gid, ParseId(absl::StrCat(g), "supplemental gid",
                                           "security context"));
    gids.push_back(gid);
  }
  return absl::OkStatus();
}

void Dedupe(std::vector<uint32_t>& gids) {
  std::vector<uint32_t> out;
  for (uint32_t g : gids) {
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  }
  gids = std::move(out);
}

}  // namespace

absl::StatusOr<runtime::oci::User> ResolveUser(
    const v1::LinuxContainerSecurityContext& sc, const std::string& image_user,
    const std::string& rootfs) {
  ASSIGN_OR_RETURN(UserRef ref, Requested(sc, image_user));
  ASSIGN_OR_RETURN(EtcFiles files, ReadEtcFiles(rootfs));
  runtime::oci::User user;
  RETURN_IF_ERROR(ResolveUid(ref, files, user));
  RETURN_IF_ERROR(ResolveGid(ref, files, user));
  // The primary gid leads the list, as containerd and CRI-O put it there
  // (KEP-3619: Strict keeps run_as_group), so that it stays a group of
  // the process whatever a setgid program later does to its gid.
  user.additional_gids = {user.gid};
  if (sc.supplemental_groups_policy() == v1::Merge) {
    std::vector<uint32_t> members = MemberGroups(ref, files, user.uid);
    user.additional_gids.insert(user.additional_gids.end(), members.begin(),
                                members.end());
  } else if (sc.supplemental_groups_policy() != v1::Strict) {
    return absl::InvalidArgumentError(
        absl::StrCat("supplemental_groups_policy ",
                     sc.supplemental_groups_policy(), ": unknown policy"));
  }
  RETURN_IF_ERROR(AddSupplemental(sc, user.additional_gids));
  Dedupe(user.additional_gids);
  return user;
}

}  // namespace crisp::server::specgen
