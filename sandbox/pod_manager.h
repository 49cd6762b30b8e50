// Pod sandbox lifecycle with no CRI types: Run makes the pod's directory
// and files, shm, pinned namespaces and network, recording the pod as
// "creating" first so that a crash half-way is rolled back at the next
// start; Stop tears down network, namespaces and shm; Remove forgets it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/event_hub.h"
#include "common/store/database.h"
#include "common/store/object_store.h"
#include "sandbox/pod.h"
#include "sandbox/pod_json.h"
#include "sandbox/pod_network.h"
#include "sandbox/pod_service.h"

namespace crisp::sandbox {

struct PodManagerOptions {
  std::string pods_dir;  // <state>/pods: one directory per pod
  std::string ns_dir;    // <state>/ns: pinned namespaces
  std::string host_resolv_conf = "/etc/resolv.conf";
  std::string host_hosts = "/etc/hosts";
  uint64_t shm_size = 64 << 20;  // as containerd and CRI-O
  PodNetwork* network = nullptr;
  std::string pause_path;  // crisp-pause, for pods sharing a PID namespace
  // How long Stop waits for container creates in flight in the pod.
  absl::Duration create_drain_timeout = absl::Seconds(60);
  // Where the pod's own lifecycle events go, as containerd sends them: a
  // container event whose container id is the pod's. None when null.
  events::Hub* events = nullptr;
};

class PodManager;

// A container create admitted into a ready pod (audit M5). While it lives,
// the pod's Stop (and so Remove) waits before it enumerates the pod's
// containers, so a container saved under an admission is always found and
// stopped with its pod. Movable; releases the admission when destroyed.
class PodCreateAdmission {
 public:
  PodCreateAdmission(PodCreateAdmission&& other) noexcept;
  PodCreateAdmission& operator=(PodCreateAdmission&&) = delete;
  ~PodCreateAdmission();

  // The pod as it was when the create was admitted.
  const Pod& pod() const { return pod_; }
  // OK while the pod is ready and no Stop has begun: call it just before
  // the container is saved and roll the create back on an error, which
  // names the pod.
  [[nodiscard]] absl::Status StillReady() const;

 private:
  friend class PodManager;
  PodCreateAdmission(PodManager* manager, Pod pod)
      : manager_(manager), pod_(std::move(pod)) {}
  PodManager* manager_;
  Pod pod_;
};

class PodManager : public PodService {
 public:
  // Loads the pods, rolls back those left "creating" by a crash and marks
  // not ready those whose namespaces are gone (after a reboot).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PodManager>> Open(
      PodManagerOptions options, store::Database* db);

  // A retry with the metadata of a ready pod returns that pod.
  [[nodiscard]] absl::StatusOr<Pod> Run(const PodSpec& spec) override;
  // Idempotent; an unknown pod is not an error. Stops the pod's containers
  // first (stop_containers).
  [[nodiscard]] absl::Status Stop(const std::string& id_or_prefix) override;
  // Stops, then forgets the pod. An unknown pod is not an error.
  [[nodiscard]] absl::Status Remove(const std::string& id_or_prefix) override;

  [[nodiscard]] absl::StatusOr<Pod> Get(
      const std::string& id_or_prefix) override {
    return pods_.Get(id_or_prefix);
  }
  std::vector<Pod> List() override { return pods_.List(); }
  // A pod removed lately, as it was last (NotFound once forgotten): what
  // its DELETED event describes, read after the pod is gone.
  [[nodiscard]] absl::StatusOr<Pod> Removed(const std::string& id) override;

  // The readiness check of a container create: FailedPrecondition unless
  // the pod is ready and not being stopped, NotFound when it is gone.
  [[nodiscard]] absl::StatusOr<PodCreateAdmission> AdmitCreate(
      const std::string& id_or_prefix) override;

  // Set by the container layer, called with the pod lock held.
  std::function<absl::Status(const std::string& pod_id)> stop_containers;
  std::function<absl::Status(const std::string& pod_id)> remove_containers;
  // Test seam: called when Stop has closed the pod to new creates, before
  // it waits for those in flight.
  std::function<void(const std::string& pod_id)> on_closed_to_creates;

 private:
  friend class PodCreateAdmission;
  PodManager(PodManagerOptions options, store::Database* db)
      : options_(std::move(options)), pods_(db, PodFormat(), "pod sandbox") {}
  absl::Status Recover();
  absl::StatusOr<Pod> Create(const PodSpec& spec);
  absl::Status TearDown(Pod& pod);
  void RollBackUnfinishedCreate(Pod& pod);
  absl::Status StartInfraFor(Pod& pod);
  NetworkAttachment AttachmentOf(const Pod& pod) const;
  absl::Status CloseToCreates(const std::string& id);
  absl::StatusOr<Pod> ReadyForCreate(const std::string& id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EndCreate(const std::string& id);
  void Publish(events::Kind kind, const Pod& pod);
  void KeepRemoved(Pod pod) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Creates in flight per pod, and whether Stop has begun (then no new
  // create is admitted and those in flight fail their StillReady).
  struct CreateGate {
    int in_flight = 0;
    bool closed = false;
  };

  PodManagerOptions options_;
  // Its mutex is taken under mu_, never the other way round.
  store::ObjectStore<Pod> pods_;
  absl::Mutex mu_;
  std::map<std::string, CreateGate> gates_ ABSL_GUARDED_BY(mu_);
  std::deque<Pod> removed_ ABSL_GUARDED_BY(mu_);  // newest last
};

}  // namespace crisp::sandbox
