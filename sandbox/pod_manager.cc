#include "sandbox/pod_manager.h"

#include <glog/logging.h>
#include <sys/stat.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/id.h"
#include "common/process.h"
#include "common/rollback.h"
#include "common/status.h"
#include "runtime/linux/state.h"
#include "sandbox/infra.h"

namespace crisp::sandbox {
namespace {

absl::Status ValidateSpec(const PodSpec& spec) {
  if (spec.metadata.name.empty() || spec.metadata.namespace_.empty() ||
      spec.metadata.uid.empty()) {
    return absl::InvalidArgumentError(
        "pod metadata needs a name, a namespace and a uid");
  }
  for (const auto& [name, value] : spec.sysctls) {
    RETURN_IF_ERROR(ValidateSysctl(name, !spec.host_network, !spec.host_ipc));
  }
  return absl::OkStatus();
}

void Warn(const absl::Status& s, const Pod& pod, const char* what) {
  if (!s.ok()) LOG(WARNING) << "pod " << pod.id << ": " << what << ": " << s;
}

// After a reboot /run is empty: a ready pod whose network namespace is no
// longer pinned cannot be ready.
// A pin file that exists but holds no namespace (an unpin interrupted
// between unmount and unlink) counts as lost.
bool NamespacesPinned(const Pod& pod) {
  for (const std::string* p :
       {&pod.namespaces.net, &pod.namespaces.ipc, &pod.namespaces.uts}) {
    if (!p->empty() && !IsPinned(*p)) return false;
  }
  return pod.namespaces.pid.empty() ||
         (ProcessAlive(pod.infra) &&
          !runtime::state::ProcessExited(pod.infra.pid));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PodManager>> PodManager::Open(
    PodManagerOptions options, store::Database* db) {
  if (options.network == nullptr) {
    return absl::InvalidArgumentError("pod manager needs a network");
  }
  RETURN_IF_ERROR(MakeDirs(options.pods_dir, 0711));
  RETURN_IF_ERROR(MakeDirs(options.ns_dir, 0711));
  std::unique_ptr<PodManager> m(new PodManager(std::move(options), db));
  RETURN_IF_ERROR(m->Recover());
  return m;
}

absl::Status PodManager::Recover() {
  return pods_.Recover([this](Pod& pod) {
    if (pod.state == PodState::kCreating) {
      RollBackUnfinishedCreate(pod);
      return store::RowFate::kForget;
    }
    if (pod.state == PodState::kReady && !NamespacesPinned(pod)) {
      Warn(TearDown(pod), pod, "tear down after losing its namespaces");
      return store::RowFate::kSave;
    }
    return store::RowFate::kKeep;
  });
}

// The row of a create killed half-way records nothing of what it made:
// the pins are found by the pod's id, the pause process through its pinned
// PID namespace, so the netns (and the veth in it, which still holds its
// IP), the pins and crisp-pause go, not only the IPAM reservation (M3).
void PodManager::RollBackUnfinishedCreate(Pod& pod) {
  LOG(INFO) << "pod " << pod.id << ": rolling back an unfinished create";
  PinnedNamespaces left = ExistingPins(options_.ns_dir, pod.id);
  pod.namespaces = left;
  if (!IsPinned(left.net)) pod.namespaces.net.clear();
  if (!left.pid.empty() && pod.infra.pid <= 0) pod.infra = FindInfra(left.pid);
  pod.network_attached = !pod.spec.host_network;
  Warn(TearDown(pod), pod, "roll back");
  // TearDown stops at a failing CNI DEL; the rest goes regardless.
  if (!left.pid.empty()) Warn(StopInfra(pod.infra, left.pid), pod, "stop");
  Warn(UnpinNamespaces(left), pod, "remove pins");
  (void)RemoveAll(pod.dir);
}

absl::StatusOr<Pod> PodManager::Run(const PodSpec& spec) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  LockTable::Guard reservation = pods_.Reserve(spec.metadata.Key());
  std::optional<Pod> pod = pods_.FindByKey(spec.metadata.Key());
  if (!pod) return Create(spec);
  if (pod->state == PodState::kReady) return *pod;
  return absl::AlreadyExistsError(
      absl::StrCat("pod ", spec.metadata.Key(), " already exists as ", pod->id,
                   " and is not ready; remove it first"));
}

absl::StatusOr<Pod> PodManager::Create(const PodSpec& spec) {
  Pod pod;
  pod.id = GenerateId();
  pod.spec = spec;
  pod.created_unix_nanos = NowUnixNanos();
  pod.dir = absl::StrCat(options_.pods_dir, "/", pod.id);
  RETURN_IF_ERROR(pods_.WriteRow(pod));  // "creating": a crash is rolled back
  Rollback undo;
  undo.Add([&] { Warn(pods_.DeleteRow(pod.id), pod, "forget"); });
  RETURN_IF_ERROR(failpoint::Hit("sandbox.run.after_row"));
  RETURN_IF_ERROR(MakeDirs(pod.dir, 0711));
  undo.Add([&] { Warn(RemoveAll(pod.dir), pod, "remove dir"); });
  RETURN_IF_ERROR(WriteHostname(pod.HostnameFile(), spec.hostname));
  RETURN_IF_ERROR(
      WriteResolvConf(pod.ResolvConf(), spec.dns, options_.host_resolv_conf));
  RETURN_IF_ERROR(WriteHosts(pod.Hosts(), options_.host_hosts));
  if (!spec.host_ipc) {
    RETURN_IF_ERROR(MountShm(pod.Shm(), options_.shm_size));
    undo.Add([&] { Warn(UnmountShm(pod.Shm()), pod, "unmount shm"); });
  }
  RETURN_IF_ERROR(failpoint::Hit("sandbox.run.after_files"));
  ASSIGN_OR_RETURN(pod.namespaces,
                   PinNamespaces({options_.ns_dir, pod.id, !spec.host_network,
                                  !spec.host_ipc, !spec.host_network,
                                  spec.hostname, spec.sysctls}));
  undo.Add([&] { Warn(UnpinNamespaces(pod.namespaces), pod, "unpin"); });
  RETURN_IF_ERROR(failpoint::Hit("sandbox.run.after_pins"));
  if (spec.share_pid && !spec.host_pid) {
    RETURN_IF_ERROR(StartInfraFor(pod));
    undo.Add([&] {
      Warn(StopInfra(pod.infra, pod.namespaces.pid), pod, "stop infra");
    });
    RETURN_IF_ERROR(failpoint::Hit("sandbox.run.after_pause"));
  }
  if (!spec.host_network) {
    ASSIGN_OR_RETURN(pod.ips, options_.network->Attach(AttachmentOf(pod)));
    pod.network_attached = true;
    undo.Add([&] {
      Warn(options_.network->Detach(AttachmentOf(pod)), pod, "detach");
    });
    RETURN_IF_ERROR(failpoint::Hit("sandbox.run.after_cni"));
  }
  RETURN_IF_ERROR(failpoint::Hit("sandbox.run.before_save"));
  pod.state = PodState::kReady;
  RETURN_IF_ERROR(pods_.Add(pod));
  undo.Release();
  Publish(events::Kind::kCreated, pod);
  Publish(events::Kind::kStarted, pod);
  return pod;
}

absl::Status PodManager::StartInfraFor(Pod& pod) {
  RETURN_IF_ERROR(MakeDirs(options_.ns_dir + "/pid", 0711));
  std::string pin = PinPath(options_.ns_dir, "pid", pod.id);
  ASSIGN_OR_RETURN(pod.infra, StartInfra(options_.pause_path, pin));
  pod.namespaces.pid = pin;
  return absl::OkStatus();
}

// A pin file that holds no namespace (lost to a reboot, or an unpin killed
// between unmount and unlink) fails every plugin's DEL; its interfaces went
// with the namespace, and a DEL without one still frees the IP.
NetworkAttachment PodManager::AttachmentOf(const Pod& pod) const {
  std::string netns = IsPinned(pod.namespaces.net) ? pod.namespaces.net : "";
  return {pod.id, netns, pod.spec.metadata, pod.spec.port_mappings};
}

// Each step is repeatable, so a Stop that failed half-way (a CNI DEL that
// timed out) is simply run again by the next Stop.
absl::Status PodManager::TearDown(Pod& pod) {
  if (pod.network_attached) {
    RETURN_IF_ERROR(options_.network->Detach(AttachmentOf(pod)));
    pod.network_attached = false;
    pod.ips.clear();
    RETURN_IF_ERROR(failpoint::Hit("sandbox.stop.after_cni"));
  }
  if (!pod.namespaces.pid.empty()) {
    RETURN_IF_ERROR(StopInfra(pod.infra, pod.namespaces.pid));
  }
  RETURN_IF_ERROR(UnpinNamespaces(pod.namespaces));
  RETURN_IF_ERROR(UnmountShm(pod.Shm()));
  pod.state = PodState::kNotReady;
  return absl::OkStatus();
}

absl::Status PodManager::Stop(const std::string& id_or_prefix) {
  auto id_or = pods_.Resolve(id_or_prefix);
  // kubelet stops pods that may be gone already; containerd answers OK, as
  // Remove does.
  if (absl::IsNotFound(id_or.status())) return absl::OkStatus();
  if (!id_or.ok()) return id_or.status();
  const std::string& id = *id_or;
  LockTable::Guard lock = pods_.Lock(id);
  auto found = Get(id);
  if (absl::IsNotFound(found.status())) return absl::OkStatus();  // removed
  if (!found.ok()) return found.status();
  Pod pod = *std::move(found);
  bool was_ready = pod.state == PodState::kReady;
  RETURN_IF_ERROR(CloseToCreates(id));
  if (stop_containers) RETURN_IF_ERROR(stop_containers(id));
  RETURN_IF_ERROR(failpoint::Hit("sandbox.stop.after_containers"));
  absl::Status s = TearDown(pod);
  if (s.ok()) s = failpoint::Hit("sandbox.stop.before_save");
  RETURN_IF_ERROR(pods_.Save(pod));  // whatever was torn down stays recorded
  if (s.ok() && was_ready) Publish(events::Kind::kStopped, pod);
  return s;
}

absl::Status PodManager::Remove(const std::string& id_or_prefix) {
  auto id = pods_.Resolve(id_or_prefix);
  if (absl::IsNotFound(id.status())) return absl::OkStatus();
  if (!id.ok()) return id.status();
  RETURN_IF_ERROR(Stop(*id));
  LockTable::Guard lock = pods_.Lock(*id);
  if (remove_containers) RETURN_IF_ERROR(remove_containers(*id));
  ASSIGN_OR_RETURN(Pod pod, Get(*id));
  RETURN_IF_ERROR(RemoveAll(pod.dir));
  RETURN_IF_ERROR(pods_.Remove(pod.id));
  {
    absl::MutexLock l(&mu_);
    gates_.erase(pod.id);  // Stop drained it: no admission refers to it
    KeepRemoved(pod);
  }
  Publish(events::Kind::kDeleted, pod);
  return absl::OkStatus();
}

void PodManager::Publish(events::Kind kind, const Pod& pod) {
  if (options_.events == nullptr) return;
  options_.events->Publish({kind, pod.id, pod.id, NowUnixNanos()});
}

// Enough for the DELETED events of a burst of removals to be read.
void PodManager::KeepRemoved(Pod pod) {
  constexpr size_t kKept = 256;
  if (removed_.size() >= kKept) removed_.pop_front();
  removed_.push_back(std::move(pod));
}

absl::StatusOr<Pod> PodManager::Removed(const std::string& id) {
  absl::MutexLock l(&mu_);
  for (auto it = removed_.rbegin(); it != removed_.rend(); ++it) {
    if (it->id == id) return *it;
  }
  return absl::NotFoundError(absl::StrCat("pod sandbox ", id, " not found"));
}

absl::StatusOr<PodCreateAdmission> PodManager::AdmitCreate(
    const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(std::string id, pods_.Resolve(id_or_prefix));
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(Pod pod, ReadyForCreate(id));
  ++gates_[id].in_flight;
  return PodCreateAdmission(this, std::move(pod));
}

absl::StatusOr<Pod> PodManager::ReadyForCreate(const std::string& id) const {
  std::optional<Pod> pod = pods_.Find(id);
  if (!pod) {
    return absl::NotFoundError(absl::StrCat("pod sandbox ", id, " not found"));
  }
  auto gate = gates_.find(id);
  if (gate != gates_.end() && gate->second.closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod sandbox ", id, " is being stopped"));
  }
  if (pod->state != PodState::kReady) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod sandbox ", id, " is not ready"));
  }
  return *std::move(pod);
}

void PodManager::EndCreate(const std::string& id) {
  absl::MutexLock l(&mu_);
  auto gate = gates_.find(id);
  if (gate != gates_.end()) --gate->second.in_flight;
}

// Closed first, so that a create in flight that has not reached its save
// fails its StillReady; then the creates past it are waited for, so that
// the containers they save are there when stop_containers enumerates them.
// On a timeout the pod stays closed and Stop fails: kubelet retries it.
absl::Status PodManager::CloseToCreates(const std::string& id) {
  {
    absl::MutexLock l(&mu_);
    gates_[id].closed = true;
  }
  if (on_closed_to_creates) on_closed_to_creates(id);
  absl::MutexLock l(&mu_);
  auto drained = [this, &id] {
    mu_.AssertHeld();
    return gates_[id].in_flight == 0;
  };
  if (mu_.AwaitWithTimeout(absl::Condition(&drained),
                           options_.create_drain_timeout)) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      "pod sandbox ", id, ": ", gates_[id].in_flight,
      " container creates still in flight after ",
      absl::FormatDuration(options_.create_drain_timeout), "; retry the stop"));
}

PodCreateAdmission::PodCreateAdmission(PodCreateAdmission&& other) noexcept
    : manager_(std::exchange(other.manager_, nullptr)),
      pod_(std::move(other.pod_)) {}

PodCreateAdmission::~PodCreateAdmission() {
  if (manager_ != nullptr) manager_->EndCreate(pod_.id);
}

absl::Status PodCreateAdmission::StillReady() const {
  absl::MutexLock l(&manager_->mu_);
  absl::Status s = manager_->ReadyForCreate(pod_.id).status();
  if (absl::IsNotFound(s)) {
    return absl::NotFoundError(
        absl::StrCat("pod sandbox ", pod_.id,
                     " was removed while the container was created"));
  }
  if (!s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod sandbox ", pod_.id,
                     " was stopped while the container was created"));
  }
  return s;
}

}  // namespace crisp::sandbox
