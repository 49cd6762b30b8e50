// process.user: who the container runs as, resolved through the image's
// /etc/passwd and /etc/group the way containerd does.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// run_as_username / run_as_user (+ run_as_group), else the image's User
// ("name", "uid", "uid:gid", "name:group"), else root. A numeric uid need
// not exist (its gid is then 0); a name must. additional_gids: the gid,
// then with the Merge policy the groups of /etc/group that list the user,
// then supplemental_groups; with Strict, the gid and supplemental_groups
// only. No duplicates, first place kept.
// InvalidArgument names the user or group that cannot be resolved.
[[nodiscard]] absl::StatusOr<runtime::oci::User> ResolveUser(
    const v1::LinuxContainerSecurityContext& sc, const std::string& image_user,
    const std::string& rootfs);

}  // namespace crisp::server::specgen
