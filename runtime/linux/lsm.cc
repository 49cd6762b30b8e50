#include "runtime/linux/lsm.h"

#include <fcntl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "runtime/linux/procfs.h"

namespace crisp::runtime::lsm {
namespace {

bool AppArmorEnabled() {
  auto v = ReadFile("/sys/module/apparmor/parameters/enabled");
  return v.ok() && absl::StripAsciiWhitespace(*v) == "Y";
}

bool SelinuxEnabled() { return access("/sys/fs/selinux/enforce", F_OK) == 0; }

// After pivot_root this is the container's /proc: a volume mounted there
// could turn the write into one to a plain file, leaving the process
// unconfined (CVE-2019-16884), so the file must be on procfs.
absl::Status WriteAttr(const char* path, const std::string& value) {
  UniqueFd fd(open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return LastErrno(absl::StrCat("open ", path));
  RETURN_IF_ERROR(procfs::Check(fd.get(), path));
  if (write(fd.get(), value.data(), value.size()) < 0) {
    return LastErrno(absl::StrCat("write ", path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckAvailable(const oci::Process& process) {
  if (!process.apparmor_profile.empty() && !AppArmorEnabled()) {
    return absl::FailedPreconditionError(
        absl::StrCat("process.apparmorProfile: \"", process.apparmor_profile,
                     "\" asked for but AppArmor is not enabled on this node"));
  }
  if (!process.selinux_label.empty() && !SelinuxEnabled()) {
    return absl::FailedPreconditionError(
        absl::StrCat("process.selinuxLabel: \"", process.selinux_label,
                     "\" asked for but SELinux is not enabled on this node"));
  }
  return absl::OkStatus();
}

absl::Status ApplyOnExec(const oci::Process& process) {
  if (!process.apparmor_profile.empty()) {
    RETURN_IF_ERROR(WriteAttr("/proc/thread-self/attr/apparmor/exec",
                              "exec " + process.apparmor_profile));
  }
  if (!process.selinux_label.empty()) {
    RETURN_IF_ERROR(
        WriteAttr("/proc/thread-self/attr/exec", process.selinux_label));
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::lsm
