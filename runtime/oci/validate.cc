#include "runtime/oci/validate.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace crisp::runtime::oci {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status ValidateNamespaces(const Linux& linux) {
  static const std::set<std::string> kTypes = {
      "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};
  std::set<std::string> seen;
  for (size_t i = 0; i < linux.namespaces.size(); ++i) {
    const auto& ns = linux.namespaces[i];
    std::string field = absl::StrCat("linux.namespaces[", i, "]");
    if (!kTypes.count(ns.type)) {
      return Invalid(field + ".type",
                     absl::StrCat("unknown type \"", ns.type, "\""));
    }
    if (!seen.insert(ns.type).second) {
      return Invalid(field + ".type", "namespace listed twice");
    }
    if (!ns.path.empty() && ns.path[0] != '/') {
      return Invalid(field + ".path", "must be absolute");
    }
  }
  bool user = seen.count("user");
  if (!user && (!linux.uid_mappings.empty() || !linux.gid_mappings.empty())) {
    return Invalid("linux.uidMappings", "set without a user namespace");
  }
  return absl::OkStatus();
}

// The destination with "." and empty components dropped and ".." applied,
// as the kernel would walk it from / (without symlinks).
std::string CleanPath(const std::string& path) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  return "/" + absl::StrJoin(parts, "/");
}

// As runc's checkProcMount: only procfs may be mounted on /proc, and inside
// it only the files lxcfs emulates. Anything else could fake what the
// runtime and the container rely on there (self/fd, attr, sys).
absl::Status CheckProcMount(const Mount& m, const std::string& field) {
  static const std::set<std::string> kAllowed = {
      "/proc/cpuinfo",
      "/proc/diskstats",
      "/proc/meminfo",
      "/proc/stat",
      "/proc/swaps",
      "/proc/uptime",
      "/proc/loadavg",
      "/proc/slabinfo",
      "/proc/net/dev",
      "/proc/sys/kernel/ns_last_pid",
      "/proc/sys/crypto/fips_enabled"};
  std::string dest = CleanPath(m.destination);
  if (dest == "/proc" && m.type != "proc") {
    return Invalid(field, "only a proc file system may be mounted on /proc");
  }
  if (absl::StartsWith(dest, "/proc/") && !kAllowed.count(dest)) {
    return Invalid(field, absl::StrCat("\"", m.destination,
                                       "\" is inside /proc: refused"));
  }
  return absl::OkStatus();
}

absl::Status ValidateMounts(const std::vector<Mount>& mounts) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    std::string field = absl::StrCat("mounts[", i, "].destination");
    if (mounts[i].destination.empty() || mounts[i].destination[0] != '/') {
      return Invalid(field, "must be an absolute path");
    }
    RETURN_IF_ERROR(CheckProcMount(mounts[i], field));
  }
  return absl::OkStatus();
}

// Only namespaced sysctls may be set, and only with their namespace.
absl::Status ValidateSysctl(const Spec& spec) {
  static const std::set<std::string> kIpc = {
      "kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
      "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
      "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (const auto& [key, value] : spec.linux->sysctl) {
    std::string field = absl::StrCat("linux.sysctl[\"", key, "\"]");
    std::string ns;
    if (kIpc.count(key) || absl::StartsWith(key, "fs.mqueue.")) {
      ns = "ipc";
    } else if (absl::StartsWith(key, "net.")) {
      ns = "network";
    } else if (key == "kernel.hostname" || key == "kernel.domainname") {
      ns = "uts";
    } else {
      return Invalid(field, "not a namespaced sysctl");
    }
    // New or joined (a pod's), but never the host's.
    if (!HasNamespace(spec, ns)) {
      return Invalid(field, absl::StrCat("needs a ", ns, " namespace"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLinux(const Linux& linux) {
  RETURN_IF_ERROR(ValidateNamespaces(linux));
  for (size_t i = 0; i < linux.devices.size(); ++i) {
    const auto& d = linux.devices[i];
    std::string field = absl::StrCat("linux.devices[", i, "]");
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p") {
      return Invalid(field + ".type", "must be one of c, b, u, p");
    }
    if (d.path.empty() || d.path[0] != '/') {
      return Invalid(field + ".path", "must be an absolute path");
    }
  }
  const std::string& p = linux.rootfs_propagation;
  if (!p.empty() && p != "private" && p != "rprivate" && p != "slave" &&
      p != "rslave" && p != "shared" && p != "rshared" && p != "unbindable" &&
      p != "runbindable") {
    return Invalid("linux.rootfsPropagation", "unknown propagation");
  }
  if (linux.seccomp && linux.seccomp->default_action.empty()) {
    return Invalid("linux.seccomp.defaultAction", "must be set");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateProcess(const Process& process) {
  if (process.args.empty()) return Invalid("process.args", "must not be empty");
  if (process.cwd.empty() || process.cwd[0] != '/') {
    return Invalid("process.cwd", "must be an absolute path");
  }
  for (size_t i = 0; i < process.rlimits.size(); ++i) {
    const auto& r = process.rlimits[i];
    std::string field = absl::StrCat("process.rlimits[", i, "]");
    if (!absl::StartsWith(r.type, "RLIMIT_")) {
      return Invalid(field + ".type", absl::StrCat("unknown \"", r.type, "\""));
    }
    if (r.soft > r.hard) return Invalid(field + ".soft", "exceeds hard");
  }
  for (size_t i = 0; i < process.env.size(); ++i) {
    if (process.env[i].find('=') == std::string::npos) {
      return Invalid(absl::StrCat("process.env[", i, "]"), "missing '='");
    }
  }
  return absl::OkStatus();
}

absl::Status Validate(const Spec& spec) {
  if (spec.oci_version.empty()) return Invalid("ociVersion", "must be set");
  if (!absl::StartsWith(spec.oci_version, "1.")) {
    return Invalid("ociVersion",
                   absl::StrCat("unsupported version ", spec.oci_version));
  }
  if (!spec.root || spec.root->path.empty()) {
    return Invalid("root.path", "must be set");
  }
  if (!spec.process) return Invalid("process", "must be set");
  RETURN_IF_ERROR(ValidateProcess(*spec.process));
  RETURN_IF_ERROR(ValidateMounts(spec.mounts));
  if (spec.linux) RETURN_IF_ERROR(ValidateLinux(*spec.linux));
  if (spec.linux) RETURN_IF_ERROR(ValidateSysctl(spec));
  if (!spec.hostname.empty() && !HasNamespace(spec, "uts")) {
    return Invalid("hostname", "set without a uts namespace");
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::oci
