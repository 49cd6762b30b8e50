// Container lifecycle with no CRI types: the rootfs overlay, the bundle,
// one crisp-monitor per container (which outlives crispd), start, stop with
// a grace period, remove, and the live status read back from the runtime
// and the monitor's exit record. A container is stored as "creating" before
// anything is made, so a crash half-way is rolled back at the next start.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/event_hub.h"
#include "common/store/object_store.h"
#include "containers/container.h"
#include "containers/container_json.h"
#include "containers/container_service.h"
#include "containers/exec_sync.h"
#include "containers/exit_watcher.h"
#include "containers/rootfs_mount.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"
#include "runtime/runtime.h"

namespace crisp::containers {

struct ContainerManagerOptions {
  std::string state_dir;  // <state>/containers
  std::string root_dir;   // <root>/containers (writable layers)
  // What runs the containers (MonitorRuntime in crispd) and mounts their
  // root file systems (OverlayRootfs in crispd): both required.
  std::shared_ptr<runtime::Runtime> runtime;
  std::shared_ptr<RootfsMounter> rootfs;
  // Where lifecycle events go (GetContainerEvents); none when null.
  events::Hub* events = nullptr;
};

using SpecBuilder = std::function<absl::StatusOr<runtime::oci::Spec>(
    const std::string& id, const std::string& rootfs)>;

struct NewContainer {
  Container container;  // all but id, dir, layer, times and `creating`
  std::vector<std::string> lower_dirs;  // image layers, topmost first
  SpecBuilder build_spec;               // called once the rootfs is mounted
  // Called just before the container is saved; an error (the pod was
  // stopped meanwhile, audit M5) rolls the create back and is returned.
  std::function<absl::Status()> pod_still_ready;
};

class ContainerManager : public ContainerService {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ContainerManager>> Open(
      ContainerManagerOptions options, store::Database* db);

  // A retry with the pod, name and attempt of an existing container returns
  // that container.
  [[nodiscard]] absl::StatusOr<Container> Create(
      const NewContainer& request) override;
  // A container whose command cannot run fails its start with the cause,
  // and has exited (ContainerCannotRun) when this returns.
  [[nodiscard]] absl::Status Start(const std::string& id_or_prefix) override;
  // Stop signal, `timeout_seconds` of grace, then SIGKILL. Idempotent; an
  // unknown container is not an error. A stop with a shorter timeout cuts
  // short one in progress.
  [[nodiscard]] absl::Status Stop(const std::string& id_or_prefix,
                                  int64_t timeout_seconds) override;
  // Kills, then forgets. An unknown container is not an error.
  [[nodiscard]] absl::Status Remove(const std::string& id_or_prefix) override;

  [[nodiscard]] absl::StatusOr<Container> Get(
      const std::string& id_or_prefix) override {
    return containers_.Get(id_or_prefix);
  }
  std::vector<Container> List() override { return containers_.List(); }
  ContainerStatus StatusOf(const Container& c) const override;
  // The verbose status info (container_info.h).
  std::string InfoJson(const Container& c,
                       const ContainerStatus& s) const override;

  // A command run to completion in a running container.
  [[nodiscard]] absl::StatusOr<ExecResult> ExecSync(
      const std::string& id_or_prefix, const std::vector<std::string>& command,
      absl::Duration timeout) override;

  // ReopenContainerLog: the monitor reopens the CRI log file.
  [[nodiscard]] absl::Status ReopenLog(
      const std::string& id_or_prefix) override;
  // The cgroup's resources of a running container.
  [[nodiscard]] absl::Status Update(
      const std::string& id_or_prefix,
      const runtime::oci::Resources& resources) override;
  // Cgroup figures of a created or running container.
  [[nodiscard]] absl::StatusOr<runtime::cgroups::Stats> Stats(
      const Container& c) const override;

  // For the pod's Stop and Remove.
  [[nodiscard]] absl::Status StopAllInPod(const std::string& pod_id);
  [[nodiscard]] absl::Status RemoveAllInPod(const std::string& pod_id);
  // Chain ids under live containers, for image garbage collection.
  std::vector<std::string> SnapshotsInUse();

 private:
  ContainerManager(ContainerManagerOptions options, store::Database* db)
      : options_(std::move(options)),
        containers_(db, ContainerFormat(), "container") {}
  absl::Status Recover();
  absl::StatusOr<Container> Running(const std::string& id_or_prefix);
  absl::StatusOr<Container> Make(const NewContainer& request);
  absl::Status Spawn(Container& c, const SpecBuilder& build_spec);
  void Destroy(const Container& c);
  absl::StatusOr<std::string> SignalStop(const std::string& id);
  absl::Status KillLocked(const Container& c);
  void SettleFailedStart(const Container& c);
  std::vector<std::string> IdsInPod(const std::string& pod_id);
  // Events (container_events.cc).
  void Publish(events::Kind kind, const Container& c);
  void WatchExit(const Container& c);
  void NoteExit(const std::string& id);
  void PublishExitLocked(Container c, bool persist);

  ContainerManagerOptions options_;
  store::ObjectStore<Container> containers_;
  // Last: its thread calls into the members above, so it stops first.
  std::unique_ptr<ExitWatcher> watcher_;
};

}  // namespace crisp::containers
