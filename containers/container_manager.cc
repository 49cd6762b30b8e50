#include "containers/container_manager.h"

#include <glog/logging.h>
#include <signal.h>
#include <unistd.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/id.h"
#include "common/process.h"
#include "common/rollback.h"
#include "common/status.h"
#include "containers/container_info.h"
#include "containers/container_status.h"
#include "containers/resources_merge.h"
#include "containers/rootfs_mount.h"
#include "runtime/linux/seccomp_file.h"
#include "runtime/oci/json.h"

namespace crisp::containers {
namespace {

void Warn(const absl::Status& s, const Container& c, const char* what) {
  if (!s.ok())
    LOG(WARNING) << "container " << c.id << ": " << what << ": " << s;
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// config.json beside the rootfs, the seccomp program, and the working
// directory the process starts in (spec generation only names it).
absl::Status WriteBundle(const Container& c, runtime::oci::Spec& spec) {
  spec.root =
      runtime::oci::Root{c.RootfsPath(), spec.root && spec.root->readonly};
  if (spec.process) {
    RETURN_IF_ERROR(MakeWorkingDir(c.RootfsPath(), spec.process->cwd,
                                   spec.process->user.uid,
                                   spec.process->user.gid));
  }
  RETURN_IF_ERROR(WriteFileAtomic(c.Bundle().ConfigJson(),
                                  runtime::oci::ToJson(spec).dump(), 0600));
  if (spec.linux && spec.linux->seccomp) {
    // Compiled once per distinct profile in crispd, not per container.
    ASSIGN_OR_RETURN(auto program,
                     runtime::seccomp::Compile(*spec.linux->seccomp));
    RETURN_IF_ERROR(
        runtime::seccomp::WriteProgram(c.Bundle().SeccompProgram(), *program));
  }
  return absl::OkStatus();
}

// What ContainerStatus reports the container runs with.
void RecordRunsWith(const runtime::oci::Spec& spec, Container& c) {
  if (spec.process) c.user = spec.process->user;
  if (spec.linux && spec.linux->resources) {
    c.resources = *spec.linux->resources;
    c.resources.devices.clear();  // the device cgroup's rules: not limits
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ContainerManager>> ContainerManager::Open(
    ContainerManagerOptions options, store::Database* db) {
  if (options.runtime == nullptr || options.rootfs == nullptr) {
    return absl::InvalidArgumentError(
        "container manager needs a runtime and a rootfs mounter");
  }
  RETURN_IF_ERROR(MakeDirs(options.state_dir, 0711));
  RETURN_IF_ERROR(MakeDirs(options.root_dir, 0711));
  std::unique_ptr<ContainerManager> m(
      new ContainerManager(std::move(options), db));
  if (m->options_.events != nullptr) {
    ASSIGN_OR_RETURN(m->watcher_,
                     ExitWatcher::Start([p = m.get()](const std::string& id) {
                       p->NoteExit(id);
                     }));
  }
  RETURN_IF_ERROR(m->Recover());
  return m;
}

absl::Status ContainerManager::Recover() {
  auto decide = [this](Container& c) {
    if (c.creating) {
      LOG(INFO) << "container " << c.id
                << ": rolling back an unfinished create";
      Destroy(c);
      return store::RowFate::kForget;
    }
    if (c.started_unix_nanos == 0 && RuntimeRunning(*options_.runtime, c)) {
      LOG(INFO) << "container " << c.id << ": finishing an interrupted start";
      c.started_unix_nanos = NowUnixNanos();
      return store::RowFate::kSave;
    }
    return store::RowFate::kKeep;
  };
  // An exit while crispd was down yields its STOPPED event now; the others
  // are watched from here on.
  auto published = [this](const Container& c) {
    if (StatusOf(c).state == ContainerState::kExited) {
      PublishExitLocked(c, /*persist=*/true);
    } else {
      WatchExit(c);
    }
  };
  return containers_.Recover(decide, published);
}

absl::StatusOr<Container> ContainerManager::Create(const NewContainer& req) {
  if (req.container.name.empty() || req.container.pod_id.empty()) {
    return absl::InvalidArgumentError("container needs a name and a pod");
  }
  LockTable::Guard reservation = containers_.Reserve(req.container.Key());
  std::optional<Container> made = containers_.FindByKey(req.container.Key());
  if (made) return *std::move(made);
  return Make(req);
}

absl::StatusOr<Container> ContainerManager::Make(const NewContainer& req) {
  Container c = req.container;
  c.id = GenerateId();
  c.dir = absl::StrCat(options_.state_dir, "/", c.id);
  c.layer = absl::StrCat(options_.root_dir, "/", c.id);
  c.created_unix_nanos = NowUnixNanos();
  c.creating = true;
  RETURN_IF_ERROR(containers_.WriteRow(c));  // a crash is rolled back
  Rollback undo;
  undo.Add([&] {
    Destroy(c);
    Warn(containers_.DeleteRow(c.id), c, "forget");
  });
  RETURN_IF_ERROR(failpoint::Hit("container.create.after_row"));
  RETURN_IF_ERROR(MakeDirs(c.dir, 0711));
  RETURN_IF_ERROR(
      options_.rootfs->Mount(req.lower_dirs, c.layer, c.RootfsPath()));
  RETURN_IF_ERROR(failpoint::Hit("container.create.after_rootfs"));
  RETURN_IF_ERROR(Spawn(c, req.build_spec));
  RETURN_IF_ERROR(failpoint::Hit("container.create.after_monitor"));
  if (req.pod_still_ready) RETURN_IF_ERROR(req.pod_still_ready());
  RETURN_IF_ERROR(failpoint::Hit("container.create.before_save"));
  c.creating = false;
  {
    LockTable::Guard lock = containers_.Lock(c.id);
    RETURN_IF_ERROR(containers_.Add(c));
    undo.Release();
    Publish(events::Kind::kCreated, c);
  }
  WatchExit(c);
  return c;
}

// The bundle (config.json beside the rootfs) and the monitor that creates
// the container from it and holds it until Start.
absl::Status ContainerManager::Spawn(Container& c,
                                     const SpecBuilder& build_spec) {
  ASSIGN_OR_RETURN(runtime::oci::Spec spec, build_spec(c.id, c.RootfsPath()));
  RecordRunsWith(spec, c);
  RETURN_IF_ERROR(WriteBundle(c, spec));
  RETURN_IF_ERROR(failpoint::Hit("container.create.after_spec"));
  if (!c.log_path.empty())
    RETURN_IF_ERROR(MakeDirs(ParentDir(c.log_path), 0755));
  return options_.runtime->Create({.container = c.Ref(),
                                   .log_path = c.log_path,
                                   .stdin_open = c.stdin_open});
}

// Everything a container is made of, whatever state it is in; each step
// tolerates what is already gone.
void ContainerManager::Destroy(const Container& c) {
  Warn(options_.runtime->Delete(c.Ref()), c, "delete from the runtime");
  Warn(options_.rootfs->Unmount(c.RootfsPath()), c, "unmount rootfs");
  Warn(RemoveAll(c.dir), c, "remove state dir");
  Warn(RemoveAll(c.layer), c, "remove writable layer");
}

absl::Status ContainerManager::Start(const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(std::string id, containers_.Resolve(id_or_prefix));
  LockTable::Guard lock = containers_.Lock(id);
  ASSIGN_OR_RETURN(Container c, Get(id));
  ContainerState state = StatusOf(c).state;
  // A start that died after the runtime released the init: finish it, so
  // kubelet's retry succeeds instead of failing on a running container.
  bool interrupted =
      state == ContainerState::kRunning && c.started_unix_nanos == 0;
  if (state != ContainerState::kCreated && !interrupted) {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", id, " is not in the created state"));
  }
  c.started_unix_nanos = NowUnixNanos();
  RETURN_IF_ERROR(failpoint::Hit("container.start.before_runtime"));
  if (!interrupted) {
    absl::Status started = options_.runtime->Start(c.Ref());
    if (!started.ok()) {
      SettleFailedStart(c);
      return started;
    }
  }
  RETURN_IF_ERROR(failpoint::Hit("container.start.after_runtime"));
  RETURN_IF_ERROR(containers_.Save(c));
  Publish(events::Kind::kStarted, c);
  return absl::OkStatus();
}

// A start that released the init, which then could not run its command:
// the init is exiting and its monitor recording why. Waiting for that
// record lets kubelet's next ContainerStatus say EXITED with the cause
// (ContainerCannotRun) rather than a running container that is not.
void ContainerManager::SettleFailedStart(const Container& c) {
  auto state = options_.runtime->State(c.Ref());
  if (state.ok() && *state == runtime::InitState::kCreated) return;
  if (!options_.runtime->WaitForExit(c.Ref(), absl::Seconds(10))) {
    LOG(WARNING) << "container " << c.id
                 << ": its start failed and its exit is not recorded yet";
  }
}

// The grace period is waited out without the container's lock, so that a
// later stop with a shorter timeout (kubelet's forced delete) or a remove
// escalates to SIGKILL at once instead of queueing behind it (audit L10).
absl::Status ContainerManager::Stop(const std::string& id_or_prefix,
                                    int64_t timeout_seconds) {
  auto id = containers_.Resolve(id_or_prefix);
  // kubelet stops containers that may be gone already; containerd answers
  // OK, as Remove does.
  if (absl::IsNotFound(id.status())) return absl::OkStatus();
  if (!id.ok()) return id.status();
  if (timeout_seconds > 0) {
    ASSIGN_OR_RETURN(std::string signalled, SignalStop(*id));
    if (!signalled.empty() &&
        options_.runtime->WaitForExit({*id, signalled},
                                      absl::Seconds(timeout_seconds))) {
      return absl::OkStatus();
    }
  }
  LockTable::Guard lock = containers_.Lock(*id);
  auto c = Get(*id);
  if (absl::IsNotFound(c.status())) return absl::OkStatus();  // removed
  if (!c.ok()) return c.status();
  return KillLocked(*c);
}

// The state dir to wait on when a running container got its stop signal;
// "" when it is not running (or is gone).
absl::StatusOr<std::string> ContainerManager::SignalStop(
    const std::string& id) {
  LockTable::Guard lock = containers_.Lock(id);
  auto c = Get(id);
  if (absl::IsNotFound(c.status())) return std::string();
  if (!c.ok()) return c.status();
  if (StatusOf(*c).state != ContainerState::kRunning) return std::string();
  (void)options_.runtime->Kill(c->Ref(), c->stop_signal);
  return c->dir;
}

absl::Status ContainerManager::KillLocked(const Container& c) {
  ContainerState state = StatusOf(c).state;
  if (state != ContainerState::kRunning && state != ContainerState::kCreated) {
    return absl::OkStatus();
  }
  (void)options_.runtime->Kill(c.Ref(), SIGKILL);
  if (options_.runtime->WaitForExit(c.Ref(), absl::Seconds(30))) {
    return absl::OkStatus();
  }
  return absl::DeadlineExceededError(
      absl::StrCat("container ", c.id, " did not exit after SIGKILL"));
}

absl::Status ContainerManager::Remove(const std::string& id_or_prefix) {
  auto id = containers_.Resolve(id_or_prefix);
  if (absl::IsNotFound(id.status())) return absl::OkStatus();
  if (!id.ok()) return id.status();
  LockTable::Guard lock = containers_.Lock(*id);
  ASSIGN_OR_RETURN(Container c, Get(*id));
  RETURN_IF_ERROR(KillLocked(c));
  // Its STOPPED event, if the watcher has not published it yet, goes
  // before DELETED.
  PublishExitLocked(c, /*persist=*/false);
  if (watcher_ != nullptr) watcher_->Forget(c.id);
  Destroy(c);
  RETURN_IF_ERROR(containers_.Remove(c.id));
  Publish(events::Kind::kDeleted, c);
  return absl::OkStatus();
}

std::vector<std::string> ContainerManager::IdsInPod(const std::string& pod) {
  std::vector<std::string> ids;
  containers_.ForEach([&](const Container& c) {
    if (c.pod_id == pod) ids.push_back(c.id);
  });
  return ids;
}

absl::Status ContainerManager::StopAllInPod(const std::string& pod_id) {
  for (const std::string& id : IdsInPod(pod_id)) {
    RETURN_IF_ERROR(Stop(id, 0));
  }
  return absl::OkStatus();
}

absl::Status ContainerManager::RemoveAllInPod(const std::string& pod_id) {
  for (const std::string& id : IdsInPod(pod_id)) {
    RETURN_IF_ERROR(Remove(id));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecResult> ContainerManager::ExecSync(
    const std::string& id_or_prefix, const std::vector<std::string>& command,
    absl::Duration timeout) {
  ASSIGN_OR_RETURN(Container c, Running(id_or_prefix));
  return options_.runtime->Exec(
      c.Ref(),
      {.argv = command, .timeout = timeout, .max_output = size_t{16} << 20});
}

absl::StatusOr<Container> ContainerManager::Running(
    const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(Container c, Get(id_or_prefix));
  if (StatusOf(c).state != ContainerState::kRunning) {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", c.id, " is not running"));
  }
  return c;
}

// kubelet rotates by renaming the file and expects the new one to exist when
// the call returns; the monitor reopens on a signal, so wait for it.
absl::Status ContainerManager::ReopenLog(const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(Container c, Running(id_or_prefix));
  if (c.log_path.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(options_.runtime->ReopenLog(c.Ref()));
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (access(c.log_path.c_str(), F_OK) != 0) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "container ", c.id, ": log ", c.log_path, " not reopened within 5s"));
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return absl::OkStatus();
}

absl::Status ContainerManager::Update(
    const std::string& id_or_prefix, const runtime::oci::Resources& resources) {
  ASSIGN_OR_RETURN(std::string id, containers_.Resolve(id_or_prefix));
  LockTable::Guard lock = containers_.Lock(id);
  ASSIGN_OR_RETURN(Container c, Running(id));
  RETURN_IF_ERROR(options_.runtime->Update(c.Ref(), resources));
  c.resources = MergeResources(std::move(c.resources), resources);
  c.resources.devices.clear();
  return containers_.Save(c);
}

absl::StatusOr<runtime::cgroups::Stats> ContainerManager::Stats(
    const Container& c) const {
  return options_.runtime->Stats(c.Ref());
}

ContainerStatus ContainerManager::StatusOf(const Container& c) const {
  return ReadStatus(*options_.runtime, c);
}

std::string ContainerManager::InfoJson(const Container& c,
                                       const ContainerStatus& s) const {
  return ContainerInfoJson(*options_.runtime, c, s);
}

std::vector<std::string> ContainerManager::SnapshotsInUse() {
  std::vector<std::string> keys;
  containers_.ForEach([&](const Container& c) {
    keys.insert(keys.end(), c.snapshot_keys.begin(), c.snapshot_keys.end());
  });
  return keys;
}

}  // namespace crisp::containers
