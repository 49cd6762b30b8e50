// A runtime with no processes behind it: a state machine per container
// (created -> running -> stopped) that unit tests drive without root, with
// a failure injectable at every verb and hooks to simulate what real
// containers do on their own (exit, lose their monitor, ignore a signal).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "runtime/runtime.h"

namespace crisp::fakes {

class FakeRuntime final : public runtime::Runtime {
 public:
  enum class Verb {
    kCreate,
    kStart,
    kKill,
    kDelete,
    kState,
    kExit,
    kExec,
    kUpdate,
    kStats,
    kReopenLog
  };

  // The next call of `verb` returns `error` and changes nothing.
  void FailNext(Verb verb, absl::Status error);
  // Runs at the start of every call of `verb`, before any failure is
  // injected, outside the fake's lock (so it may block the caller).
  void OnCall(Verb verb, std::function<void(const std::string& id)> hook);

  // What a container does on its own.
  void ExitOnItsOwn(const std::string& id, int exit_code, bool oom = false);
  // The next Start releases the init, which cannot run its command: Start
  // fails with `cause` and the exit is recorded with it.
  void CannotRunOnStart(const std::string& id, int exit_code,
                        const std::string& cause);
  void LoseHolder(const std::string& id);  // the monitor died, no record
  void IgnoreSignal(const std::string& id, int signal);
  // The init was released but whoever started it did not learn it.
  void ReleaseInit(const std::string& id);
  // Forgets everything, as a reboot empties /run.
  void Reboot();

  bool Knows(const std::string& id);
  size_t Count();  // containers the runtime holds
  std::optional<runtime::InitState> StateOf(const std::string& id);
  int Calls(Verb verb);
  std::vector<int> SignalsSent(const std::string& id);
  std::vector<std::string> LastExec();
  std::optional<runtime::oci::Resources> LastUpdate(const std::string& id);

  absl::Status Create(const runtime::BundleCreate& request) override;
  absl::Status Start(const runtime::ContainerRef& c) override;
  absl::Status Kill(const runtime::ContainerRef& c, int signal) override;
  absl::Status Delete(const runtime::ContainerRef& c) override;
  absl::StatusOr<runtime::InitState> State(
      const runtime::ContainerRef& c) override;
  bool Held(const runtime::ContainerRef& c) override;
  absl::StatusOr<runtime::ExitRecord> Exit(
      const runtime::ContainerRef& c) override;
  // Never waits: the exit is either recorded or, as far as the fake is
  // concerned, never will be within any timeout.
  bool WaitForExit(const runtime::ContainerRef& c,
                   absl::Duration timeout) override;
  absl::StatusOr<runtime::ExecOutput> Exec(
      const runtime::ContainerRef& c,
      const runtime::ExecCommand& command) override;
  absl::Status Update(const runtime::ContainerRef& c,
                      const runtime::oci::Resources& resources) override;
  absl::StatusOr<runtime::cgroups::Stats> Stats(
      const runtime::ContainerRef& c) override;
  absl::Status ReopenLog(const runtime::ContainerRef& c) override;
  // Polls readable once the container stopped or lost its holder.
  absl::StatusOr<UniqueFd> HolderFd(const runtime::ContainerRef& c) override;

 private:
  struct Entry {
    std::string dir;
    runtime::InitState state = runtime::InitState::kCreated;
    bool held = true;
    std::optional<runtime::ExitRecord> exit;
    std::optional<runtime::ExitRecord> cannot_run;  // at the next Start
    std::set<int> ignored;
    std::vector<int> signals;
    std::optional<runtime::oci::Resources> resources;
    // Signalled (an eventfd) once the holder is gone: HolderFd's dups.
    std::shared_ptr<UniqueFd> holder_gone;
  };

  // The hook, then the injected failure if any; counts the call.
  absl::Status Enter(Verb verb, const std::string& id);
  absl::StatusOr<Entry*> Find(const std::string& id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Stopped(Entry& e, int exit_code, bool oom)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static void SignalHolderGone(Entry& e);

  absl::Mutex mu_;
  std::map<std::string, Entry> containers_ ABSL_GUARDED_BY(mu_);
  std::map<Verb, std::vector<absl::Status>> failures_ ABSL_GUARDED_BY(mu_);
  std::map<Verb, std::function<void(const std::string&)>> hooks_
      ABSL_GUARDED_BY(mu_);
  std::map<Verb, int> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> last_exec_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp::fakes
