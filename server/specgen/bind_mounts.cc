// A CRI mount → an OCI bind mount.
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/specgen/mounts.h"

namespace crisp::server::specgen {
namespace {

absl::Status Invalid(size_t index, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("mounts[", index, "]", what));
}

// kubelet creates the host paths it asks for; a missing one is a mistake to
// report, not a directory to invent (containerd would mkdir it).
absl::StatusOr<std::string> ResolveHostPath(const v1::Mount& m, size_t index) {
  char buf[PATH_MAX];
  if (realpath(m.host_path().c_str(), buf) != nullptr) return std::string(buf);
  if (errno == ENOENT || errno == ENOTDIR) {
    return Invalid(index, absl::StrCat(".host_path \"", m.host_path(),
                                       "\": does not exist"));
  }
  return crisp::LastErrno(
      absl::StrCat("mounts[", index, "].host_path \"", m.host_path(), "\""));
}

// Mount propagation, and the rootfs propagation it needs: a slave or shared
// mount under a private root would never see (or send) anything.
std::string Propagation(v1::MountPropagation p, std::string& rootfs) {
  switch (p) {
    case v1::PROPAGATION_HOST_TO_CONTAINER:
      if (rootfs != "rshared") rootfs = "rslave";
      return "rslave";
    case v1::PROPAGATION_BIDIRECTIONAL:
      rootfs = "rshared";
      return "rshared";
    default:
      return "rprivate";
  }
}

absl::StatusOr<std::string> Access(const v1::Mount& m, size_t index) {
  if (!m.recursive_read_only()) return std::string(m.readonly() ? "ro" : "rw");
  if (!m.readonly()) {
    return Invalid(index, ": recursive_read_only needs readonly");
  }
  if (m.propagation() != v1::PROPAGATION_PRIVATE) {
    return Invalid(index, ": recursive_read_only needs private propagation");
  }
  return std::string("rro");
}

absl::Status CheckSupported(const v1::Mount& m, size_t index) {
  if (m.container_path().empty() || m.container_path()[0] != '/') {
    return Invalid(index, absl::StrCat(".container_path \"", m.container_path(),
                                       "\": must be an absolute path"));
  }
  if (m.has_image() && !m.image().image().empty()) {
    return Invalid(index, ": image volumes are not supported");
  }
  if (m.host_path().empty()) return Invalid(index, ".host_path: empty");
  if (!m.uidmappings().empty() || !m.gidmappings().empty()) {
    return Invalid(index, ": id-mapped mounts are not supported");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<runtime::oci::Mount> BindMount(const v1::Mount& m, size_t index,
                                              std::string& rootfs_propagation) {
  RETURN_IF_ERROR(CheckSupported(m, index));
  ASSIGN_OR_RETURN(std::string source, ResolveHostPath(m, index));
  ASSIGN_OR_RETURN(std::string access, Access(m, index));
  // selinux_relabel has nothing to do on a node without SELinux.
  std::string propagation = Propagation(m.propagation(), rootfs_propagation);
  return runtime::oci::Mount{
      m.container_path(), "bind", source, {"rbind", propagation, access}};
}

}  // namespace crisp::server::specgen
