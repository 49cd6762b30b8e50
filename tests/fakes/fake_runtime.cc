#include "tests/fakes/fake_runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::fakes {

using runtime::InitState;

void FakeRuntime::FailNext(Verb verb, absl::Status error) {
  absl::MutexLock l(&mu_);
  failures_[verb].push_back(std::move(error));
}

void FakeRuntime::OnCall(Verb verb,
                         std::function<void(const std::string& id)> hook) {
  absl::MutexLock l(&mu_);
  hooks_[verb] = std::move(hook);
}

absl::Status FakeRuntime::Enter(Verb verb, const std::string& id) {
  std::function<void(const std::string&)> hook;
  {
    absl::MutexLock l(&mu_);
    ++calls_[verb];
    if (auto it = hooks_.find(verb); it != hooks_.end()) hook = it->second;
  }
  if (hook) hook(id);
  absl::MutexLock l(&mu_);
  std::vector<absl::Status>& queued = failures_[verb];
  if (queued.empty()) return absl::OkStatus();
  absl::Status error = queued.front();
  queued.erase(queued.begin());
  return error;
}

absl::StatusOr<FakeRuntime::Entry*> FakeRuntime::Find(const std::string& id) {
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("fake runtime: container ", id, " does not exist"));
  }
  return &it->second;
}

void FakeRuntime::SignalHolderGone(Entry& e) {
  if (e.holder_gone == nullptr) return;
  uint64_t one = 1;
  (void)!write(e.holder_gone->get(), &one, sizeof(one));
}

absl::StatusOr<UniqueFd> FakeRuntime::HolderFd(const runtime::ContainerRef& c) {
  absl::MutexLock l(&mu_);
  ASSIGN_OR_RETURN(Entry * e, Find(c.id));
  if (e->state == InitState::kStopped || !e->held) {
    return absl::NotFoundError("container " + c.id + ": holder gone");
  }
  if (e->holder_gone == nullptr) {
    e->holder_gone = std::make_shared<UniqueFd>(eventfd(0, EFD_CLOEXEC));
  }
  return UniqueFd(fcntl(e->holder_gone->get(), F_DUPFD_CLOEXEC, 0));
}

void FakeRuntime::Stopped(Entry& e, int exit_code, bool oom) {
  SignalHolderGone(e);
  e.state = InitState::kStopped;
  e.exit = runtime::ExitRecord{.exit_code = exit_code,
                               .oom_killed = oom,
                               .started_at = 1,
                               .finished_at = 2};
}

void FakeRuntime::ExitOnItsOwn(const std::string& id, int exit_code, bool oom) {
  absl::MutexLock l(&mu_);
  if (auto e = Find(id); e.ok()) Stopped(**e, exit_code, oom);
}

void FakeRuntime::CannotRunOnStart(const std::string& id, int exit_code,
                                   const std::string& cause) {
  absl::MutexLock l(&mu_);
  if (auto e = Find(id); e.ok()) {
    (*e)->cannot_run = runtime::ExitRecord{.exit_code = exit_code,
                                           .started_at = 1,
                                           .finished_at = 2,
                                           .cannot_run = cause};
  }
}

void FakeRuntime::LoseHolder(const std::string& id) {
  absl::MutexLock l(&mu_);
  if (auto e = Find(id); e.ok()) {
    SignalHolderGone(**e);
    (*e)->held = false;
    (*e)->state = InitState::kStopped;
  }
}

void FakeRuntime::IgnoreSignal(const std::string& id, int signal) {
  absl::MutexLock l(&mu_);
  if (auto e = Find(id); e.ok()) (*e)->ignored.insert(signal);
}

void FakeRuntime::ReleaseInit(const std::string& id) {
  absl::MutexLock l(&mu_);
  if (auto e = Find(id); e.ok()) (*e)->state = InitState::kRunning;
}

void FakeRuntime::Reboot() {
  absl::MutexLock l(&mu_);
  containers_.clear();
}

bool FakeRuntime::Knows(const std::string& id) {
  absl::MutexLock l(&mu_);
  return containers_.count(id) > 0;
}

size_t FakeRuntime::Count() {
  absl::MutexLock l(&mu_);
  return containers_.size();
}

std::optional<InitState> FakeRuntime::StateOf(const std::string& id) {
  absl::MutexLock l(&mu_);
  auto e = Find(id);
  if (!e.ok()) return std::nullopt;
  return (*e)->state;
}

int FakeRuntime::Calls(Verb verb) {
  absl::MutexLock l(&mu_);
  return calls_[verb];
}

std::vector<int> FakeRuntime::SignalsSent(const std::string& id) {
  absl::MutexLock l(&mu_);
  auto e = Find(id);
  return e.ok() ? (*e)->signals : std::vector<int>{};
}

std::vector<std::string> FakeRuntime::LastExec() {
  absl::MutexLock l(&mu_);
  return last_exec_;
}

std::optional<runtime::oci::Resources> FakeRuntime::LastUpdate(
    const std::string& id) {
  absl::MutexLock l(&mu_);
  auto e = Find(id);
  return e.ok() ? (*e)->resources : std::nullopt;
}

// The bundle must be complete before the runtime is asked: a create that
// got here without config.json is a bug in the caller.
absl::Status FakeRuntime::Create(const runtime::BundleCreate& request) {
  const runtime::ContainerRef& c = request.container;
  if (absl::Status s = Enter(Verb::kCreate, c.id); !s.ok()) return s;
  struct stat st;
  if (stat((c.dir + "/config.json").c_str(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("fake runtime: no bundle in ", c.dir));
  }
  absl::MutexLock l(&mu_);
  if (containers_.count(c.id) > 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("fake runtime: container ", c.id, " exists"));
  }
  Entry& e = containers_[c.id];
  e.dir = c.dir;
  return absl::OkStatus();
}

absl::Status FakeRuntime::Start(const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kStart, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  if ((*e)->state != InitState::kCreated) {
    return absl::FailedPreconditionError(
        absl::StrCat("fake runtime: container ", c.id, " is not created"));
  }
  if ((*e)->cannot_run) {
    SignalHolderGone(**e);
    (*e)->state = InitState::kStopped;
    (*e)->exit = std::exchange((*e)->cannot_run, std::nullopt);
    return absl::FailedPreconditionError(
        absl::StrCat("container ", c.id, ": start: ", (*e)->exit->cannot_run));
  }
  (*e)->state = InitState::kRunning;
  return absl::OkStatus();
}

absl::Status FakeRuntime::Kill(const runtime::ContainerRef& c, int signal) {
  if (absl::Status s = Enter(Verb::kKill, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  (*e)->signals.push_back(signal);
  if ((*e)->state == InitState::kStopped) {
    return absl::FailedPreconditionError(
        absl::StrCat("fake runtime: container ", c.id, " is stopped"));
  }
  if ((*e)->ignored.count(signal) == 0) Stopped(**e, 128 + signal, false);
  return absl::OkStatus();
}

absl::Status FakeRuntime::Delete(const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kDelete, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  containers_.erase(c.id);
  return absl::OkStatus();
}

absl::StatusOr<InitState> FakeRuntime::State(const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kState, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  return (*e)->state;
}

bool FakeRuntime::Held(const runtime::ContainerRef& c) {
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  return e.ok() && (*e)->held;
}

absl::StatusOr<runtime::ExitRecord> FakeRuntime::Exit(
    const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kExit, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  if (!(*e)->exit) {
    return absl::NotFoundError(
        absl::StrCat("fake runtime: container ", c.id, " has not exited"));
  }
  return *(*e)->exit;
}

bool FakeRuntime::WaitForExit(const runtime::ContainerRef& c,
                              absl::Duration timeout) {
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  return !e.ok() || (*e)->exit.has_value();
}

absl::StatusOr<runtime::ExecOutput> FakeRuntime::Exec(
    const runtime::ContainerRef& c, const runtime::ExecCommand& command) {
  if (absl::Status s = Enter(Verb::kExec, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  last_exec_ = command.argv;
  return runtime::ExecOutput{.out = "out", .err = "", .exit_code = 0};
}

absl::Status FakeRuntime::Update(const runtime::ContainerRef& c,
                                 const runtime::oci::Resources& resources) {
  if (absl::Status s = Enter(Verb::kUpdate, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  (*e)->resources = resources;
  return absl::OkStatus();
}

absl::StatusOr<runtime::cgroups::Stats> FakeRuntime::Stats(
    const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kStats, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  auto e = Find(c.id);
  if (!e.ok()) return e.status();
  return runtime::cgroups::Stats{.pids = 1};
}

absl::Status FakeRuntime::ReopenLog(const runtime::ContainerRef& c) {
  if (absl::Status s = Enter(Verb::kReopenLog, c.id); !s.ok()) return s;
  absl::MutexLock l(&mu_);
  return Find(c.id).status();
}

}  // namespace crisp::fakes
