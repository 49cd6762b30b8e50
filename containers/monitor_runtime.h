// The built-in runtime behind the runtime seam: one crisp-monitor per
// container creates it through the runtime library, holds it, and records
// its exit in DIR/exit.json; exec goes through `crisp-runtime exec`.
#pragma once

#include <string>

#include "runtime/runtime.h"

namespace crisp::containers {

struct MonitorRuntimeOptions {
  std::string monitor_path;  // crisp-monitor
  std::string runtime_path;  // crisp-runtime, for exec
};

class MonitorRuntime final : public runtime::Runtime {
 public:
  explicit MonitorRuntime(MonitorRuntimeOptions options)
      : options_(std::move(options)) {}

  absl::Status Create(const runtime::BundleCreate& request) override;
  absl::Status Start(const runtime::ContainerRef& c) override;
  absl::Status Kill(const runtime::ContainerRef& c, int signal) override;
  absl::Status Delete(const runtime::ContainerRef& c) override;
  absl::StatusOr<runtime::InitState> State(
      const runtime::ContainerRef& c) override;
  bool Held(const runtime::ContainerRef& c) override;
  absl::StatusOr<runtime::ExitRecord> Exit(
      const runtime::ContainerRef& c) override;
  bool WaitForExit(const runtime::ContainerRef& c,
                   absl::Duration timeout) override;
  // A pidfd of the container's monitor, which exits once it has recorded
  // the exit.
  absl::StatusOr<UniqueFd> HolderFd(const runtime::ContainerRef& c) override;
  absl::StatusOr<int> InitPid(const runtime::ContainerRef& c) override;
  absl::StatusOr<runtime::ExecOutput> Exec(
      const runtime::ContainerRef& c,
      const runtime::ExecCommand& command) override;
  absl::Status Update(const runtime::ContainerRef& c,
                      const runtime::oci::Resources& resources) override;
  absl::StatusOr<runtime::cgroups::Stats> Stats(
      const runtime::ContainerRef& c) override;
  absl::Status ReopenLog(const runtime::ContainerRef& c) override;

 private:
  MonitorRuntimeOptions options_;
};

}  // namespace crisp::containers
