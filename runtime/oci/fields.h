// The JSON field names of every spec struct, listed once. A visitor `v` is
// called as v("jsonName", member) for each field; spec/json.cc has a reader
// and a writer visitor.
#pragma once

#include "runtime/oci/spec.h"

namespace crisp::runtime::oci {

template <class V>
void Fields(V& v, User& x) {
  v("uid", x.uid);
  v("gid", x.gid);
  v("umask", x.umask);
  v("additionalGids", x.additional_gids);
}
template <class V>
void Fields(V& v, Capabilities& x) {
  v("bounding", x.bounding);
  v("effective", x.effective);
  v("inheritable", x.inheritable);
  v("permitted", x.permitted);
  v("ambient", x.ambient);
}
template <class V>
void Fields(V& v, Rlimit& x) {
  v("type", x.type);
  v("hard", x.hard);
  v("soft", x.soft);
}
template <class V>
void Fields(V& v, ConsoleSize& x) {
  v("height", x.height);
  v("width", x.width);
}
template <class V>
void Fields(V& v, Process& x) {
  v("terminal", x.terminal);
  v("consoleSize", x.console_size);
  v("user", x.user);
  v("args", x.args);
  v("env", x.env);
  v("cwd", x.cwd);
  v("capabilities", x.capabilities);
  v("rlimits", x.rlimits);
  v("noNewPrivileges", x.no_new_privileges);
  v("apparmorProfile", x.apparmor_profile);
  v("oomScoreAdj", x.oom_score_adj);
  v("selinuxLabel", x.selinux_label);
}
template <class V>
void Fields(V& v, Root& x) {
  v("path", x.path);
  v("readonly", x.readonly);
}
template <class V>
void Fields(V& v, Mount& x) {
  v("destination", x.destination);
  v("type", x.type);
  v("source", x.source);
  v("options", x.options);
}
template <class V>
void Fields(V& v, Namespace& x) {
  v("type", x.type);
  v("path", x.path);
}
template <class V>
void Fields(V& v, IdMapping& x) {
  v("containerID", x.container_id);
  v("hostID", x.host_id);
  v("size", x.size);
}
template <class V>
void Fields(V& v, Device& x) {
  v("type", x.type);
  v("path", x.path);
  v("major", x.major);
  v("minor", x.minor);
  v("fileMode", x.file_mode);
  v("uid", x.uid);
  v("gid", x.gid);
}
template <class V>
void Fields(V& v, DeviceRule& x) {
  v("allow", x.allow);
  v("type", x.type);
  v("major", x.major);
  v("minor", x.minor);
  v("access", x.access);
}
template <class V>
void Fields(V& v, Memory& x) {
  v("limit", x.limit);
  v("reservation", x.reservation);
  v("swap", x.swap);
  v("kernel", x.kernel);
  v("kernelTCP", x.kernel_tcp);
  v("swappiness", x.swappiness);
  v("disableOOMKiller", x.disable_oom_killer);
}
template <class V>
void Fields(V& v, Cpu& x) {
  v("shares", x.shares);
  v("quota", x.quota);
  v("period", x.period);
  v("realtimeRuntime", x.realtime_runtime);
  v("realtimePeriod", x.realtime_period);
  v("cpus", x.cpus);
  v("mems", x.mems);
  v("idle", x.idle);
}
template <class V>
void Fields(V& v, Pids& x) {
  v("limit", x.limit);
}
template <class V>
void Fields(V& v, WeightDevice& x) {
  v("major", x.major);
  v("minor", x.minor);
  v("weight", x.weight);
  v("leafWeight", x.leaf_weight);
}
template <class V>
void Fields(V& v, ThrottleDevice& x) {
  v("major", x.major);
  v("minor", x.minor);
  v("rate", x.rate);
}
template <class V>
void Fields(V& v, BlockIo& x) {
  v("weight", x.weight);
  v("leafWeight", x.leaf_weight);
  v("weightDevice", x.weight_device);
  v("throttleReadBpsDevice", x.throttle_read_bps_device);
  v("throttleWriteBpsDevice", x.throttle_write_bps_device);
  v("throttleReadIOPSDevice", x.throttle_read_iops_device);
  v("throttleWriteIOPSDevice", x.throttle_write_iops_device);
}
template <class V>
void Fields(V& v, HugepageLimit& x) {
  v("pageSize", x.page_size);
  v("limit", x.limit);
}
template <class V>
void Fields(V& v, Resources& x) {
  v("devices", x.devices);
  v("memory", x.memory);
  v("cpu", x.cpu);
  v("pids", x.pids);
  v("blockIO", x.block_io);
  v("hugepageLimits", x.hugepage_limits);
  v("unified", x.unified);
}
template <class V>
void Fields(V& v, SeccompArg& x) {
  v("index", x.index);
  v("value", x.value);
  v("valueTwo", x.value_two);
  v("op", x.op);
}
template <class V>
void Fields(V& v, SeccompSyscall& x) {
  v("names", x.names);
  v("action", x.action);
  v("errnoRet", x.errno_ret);
  v("args", x.args);
}
template <class V>
void Fields(V& v, Seccomp& x) {
  v("defaultAction", x.default_action);
  v("defaultErrnoRet", x.default_errno_ret);
  v("architectures", x.architectures);
  v("flags", x.flags);
  v("syscalls", x.syscalls);
}
template <class V>
void Fields(V& v, Linux& x) {
  v("namespaces", x.namespaces);
  v("uidMappings", x.uid_mappings);
  v("gidMappings", x.gid_mappings);
  v("devices", x.devices);
  v("cgroupsPath", x.cgroups_path);
  v("resources", x.resources);
  v("rootfsPropagation", x.rootfs_propagation);
  v("seccomp", x.seccomp);
  v("sysctl", x.sysctl);
  v("maskedPaths", x.masked_paths);
  v("readonlyPaths", x.readonly_paths);
  v("mountLabel", x.mount_label);
}
template <class V>
void Fields(V& v, Hook& x) {
  v("path", x.path);
  v("args", x.args);
  v("env", x.env);
  v("timeout", x.timeout);
}
template <class V>
void Fields(V& v, Hooks& x) {
  v("prestart", x.prestart);
  v("createRuntime", x.create_runtime);
  v("createContainer", x.create_container);
  v("startContainer", x.start_container);
  v("poststart", x.poststart);
  v("poststop", x.poststop);
}
template <class V>
void Fields(V& v, Spec& x) {
  v("ociVersion", x.oci_version);
  v("process", x.process);
  v("root", x.root);
  v("hostname", x.hostname);
  v("domainname", x.domainname);
  v("mounts", x.mounts);
  v("linux", x.linux);
  v("hooks", x.hooks);
  v("annotations", x.annotations);
}

}  // namespace crisp::runtime::oci
