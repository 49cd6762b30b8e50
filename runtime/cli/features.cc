// crisp-runtime features: what this runtime supports on this node, as the
// runtime-spec features document. Options the kernel may lack are measured
// (runtime/linux/mount_probe.h), not assumed: containerd and crispd read
// mountOptions to decide what to offer.
#include <seccomp.h>

#include <iostream>

#include "common/status.h"
#include "nlohmann/json.hpp"
#include "runtime/cli/verbs.h"
#include "runtime/linux/mount_probe.h"

namespace crisp::runtime::cli {
namespace {

// Why "rro" is missing from mountOptions, for the caller's error messages
// (runtime-spec features: annotations are free-form).
constexpr char kRroAnnotation[] = "org.crisp.mount.rro";

nlohmann::json MountOptions(const absl::Status& rro) {
  nlohmann::json options = {
      "async",         "atime",      "bind",      "defaults", "dev",
      "diratime",      "dirsync",    "exec",      "mand",     "noatime",
      "nodev",         "nodiratime", "noexec",    "nomand",   "norelatime",
      "nostrictatime", "nosuid",     "private",   "rbind",    "relatime",
      "remount",       "ro",         "rprivate",  "rshared",  "rslave",
      "runbindable",   "rw",         "shared",    "slave",    "strictatime",
      "suid",          "sync",       "unbindable"};
  if (rro.ok()) options.push_back("rro");
  return options;
}

}  // namespace

absl::Status Features(const Args& args) {
  using nlohmann::json;
  absl::Status rro = mounts::ProbeRecursiveReadOnly();
  json j = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.0"},
      {"hooks", json::array()},
      {"mountOptions", MountOptions(rro)},
      {"annotations",
       {{kRroAnnotation, rro.ok() ? "ok" : std::string(rro.message())}}},
      {"linux",
       {{"namespaces",
         {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}},
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}}},
        {"seccomp",
         {{"enabled", true},
          {"actions",
           {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
            "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"}},
          {"operators",
           {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
            "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"}},
          {"supportedFlags",
           {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}}}},
        {"apparmor", {{"enabled", true}}},
        {"selinux", {{"enabled", true}}}}}};
  std::cout << j.dump(2) << std::endl;
  return absl::OkStatus();
}

}  // namespace crisp::runtime::cli
