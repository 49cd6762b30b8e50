#include "runtime/linux/namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"

namespace crisp::runtime::namespaces {
namespace {

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

// In join order: user first, mount last but one (paths of the others are
// host paths), cgroup last.
const std::vector<std::pair<std::string, uint64_t>>& Types() {
  static const auto* types = new std::vector<std::pair<std::string, uint64_t>>{
      {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},
      {"uts", CLONE_NEWUTS},   {"network", CLONE_NEWNET},
      {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
      {"mount", CLONE_NEWNS},  {"cgroup", CLONE_NEWCGROUP}};
  return *types;
}

uint64_t NewFlags(const oci::Spec& spec) {
  uint64_t flags = 0;
  if (!spec.linux) return 0;
  for (const auto& ns : spec.linux->namespaces) {
    if (!ns.path.empty()) continue;
    for (const auto& [type, flag] : Types()) {
      if (type == ns.type) flags |= flag;
    }
  }
  return flags;
}

std::string MapText(const std::vector<oci::IdMapping>& maps) {
  std::string text;
  for (const auto& m : maps) {
    absl::StrAppend(&text, m.container_id, " ", m.host_id, " ", m.size, "\n");
  }
  return text;
}

absl::Status WriteMap(pid_t pid, const char* file, const std::string& text) {
  std::string path = absl::StrCat("/proc/", pid, "/", file);
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return LastErrno(absl::StrCat("open ", path));
  if (write(fd.get(), text.data(), text.size()) < 0) {
    return LastErrno(absl::StrCat("write ", path));
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t CloneFlags(const oci::Spec& spec) {
  uint64_t flags = NewFlags(spec) & ~static_cast<uint64_t>(CLONE_NEWCGROUP);
  if (!oci::NamespacePath(spec, "user").empty()) flags &= CLONE_NEWPID;
  return flags;
}

absl::StatusOr<UniqueFd> EnterPid(const oci::Spec& spec) {
  std::string path = oci::NamespacePath(spec, "pid");
  if (path.empty()) return UniqueFd();
  UniqueFd saved(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!saved) return LastErrno("open /proc/self/ns/pid");
  UniqueFd target(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) return LastErrno(absl::StrCat("open pid namespace ", path));
  if (setns(target.get(), CLONE_NEWPID) != 0) {
    return LastErrno(absl::StrCat("join pid namespace ", path));
  }
  return saved;
}

absl::Status RestorePid(const UniqueFd& saved) {
  if (saved && setns(saved.get(), CLONE_NEWPID) != 0) {
    return LastErrno("restore pid namespace");
  }
  return absl::OkStatus();
}

absl::Status WriteIdMappings(pid_t pid, const oci::Linux& l) {
  if (!l.gid_mappings.empty()) {
    RETURN_IF_ERROR(WriteMap(pid, "gid_map", MapText(l.gid_mappings)));
  }
  if (!l.uid_mappings.empty()) {
    RETURN_IF_ERROR(WriteMap(pid, "uid_map", MapText(l.uid_mappings)));
  }
  return absl::OkStatus();
}

absl::Status JoinAndUnshare(const oci::Spec& spec) {
  for (const auto& [type, flag] : Types()) {
    std::string path = oci::NamespacePath(spec, type);
    if (path.empty() || type == "pid") continue;
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return LastErrno(absl::StrCat("open ", type, " namespace ", path));
    if (setns(fd.get(), static_cast<int>(flag)) != 0) {
      return LastErrno(absl::StrCat("join ", type, " namespace ", path));
    }
  }
  uint64_t rest =
      NewFlags(spec) & ~CloneFlags(spec) & ~static_cast<uint64_t>(CLONE_NEWPID);
  if (rest != 0 && unshare(static_cast<int>(rest)) != 0) {
    return LastErrno("unshare namespaces");
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::namespaces
