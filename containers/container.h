// A container as crispd keeps it, with no CRI types: what CreateContainer
// asked for and where its pieces live. Its live state (running, exit code)
// is not stored: it is read from the runtime and the monitor's exit.json.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/bundle.h"
#include "runtime/oci/spec.h"
#include "runtime/runtime.h"

namespace crisp::containers {

struct MountRecord {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
  int propagation = 0;  // CRI MountPropagation value
};

struct Container {
  std::string id;
  std::string pod_id;
  std::string name;
  uint32_t attempt = 0;
  std::string image_ref;         // as asked
  std::string image_id;          // config digest
  std::string image_digest_ref;  // repo@sha256:manifest, or "" when unknown
  std::vector<std::string> snapshot_keys;  // chain ids the rootfs stacks
  std::map<std::string, std::string> labels, annotations;
  std::string log_path;  // absolute; empty without a pod log directory
  bool tty = false, stdin_open = false, stdin_once = false;
  int stop_signal = 15;
  std::vector<MountRecord> mounts;
  // What the container runs with, from its OCI spec: the cgroup limits
  // (kept current by Update; no device rules) and the init's user.
  runtime::oci::Resources resources;
  runtime::oci::User user;
  bool creating = true;  // cleared once the monitor holds the container
  int64_t created_unix_nanos = 0;
  int64_t started_unix_nanos = 0;  // 0 until StartContainer
  // Its STOPPED event is out: published once, even across restarts.
  bool exit_published = false;
  std::string dir;    // <state>/containers/<id>: bundle, monitor, exit.json
  std::string layer;  // <root>/containers/<id>: overlay upper and work

  std::string Key() const;  // pod + name + attempt: unique
  runtime::BundleLayout Bundle() const { return runtime::BundleLayout(dir); }
  runtime::LayerLayout Layer() const { return runtime::LayerLayout(layer); }
  std::string RootfsPath() const { return Bundle().Rootfs(); }
  runtime::ContainerRef Ref() const { return {id, dir}; }
};

enum class ContainerState { kCreated, kRunning, kExited, kUnknown };

struct ContainerStatus {
  ContainerState state = ContainerState::kUnknown;
  int64_t started_at = 0, finished_at = 0;
  int exit_code = 0;
  std::string reason, message;
};

}  // namespace crisp::containers
