// What the CRI server asks of containers, as an interface: its handlers
// depend on this, not on ContainerManager, so that they can be tested on a
// fake without root. Only the operations the server calls; what wiring
// alone needs (the pod's stop and remove, snapshots in use) stays on the
// manager.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "containers/container.h"
#include "containers/exec_sync.h"
#include "runtime/cgroups/stats.h"
#include "runtime/oci/spec.h"

namespace crisp::containers {

// container_manager.h.
struct NewContainer;

class ContainerService {
 public:
  virtual ~ContainerService() = default;

  [[nodiscard]] virtual absl::StatusOr<Container> Create(
      const NewContainer& request) = 0;
  [[nodiscard]] virtual absl::Status Start(const std::string& id_or_prefix) = 0;
  [[nodiscard]] virtual absl::Status Stop(const std::string& id_or_prefix,
                                          int64_t timeout_seconds) = 0;
  [[nodiscard]] virtual absl::Status Remove(
      const std::string& id_or_prefix) = 0;

  [[nodiscard]] virtual absl::StatusOr<Container> Get(
      const std::string& id_or_prefix) = 0;
  virtual std::vector<Container> List() = 0;
  virtual ContainerStatus StatusOf(const Container& c) const = 0;
  virtual std::string InfoJson(const Container& c,
                               const ContainerStatus& s) const = 0;

  [[nodiscard]] virtual absl::StatusOr<ExecResult> ExecSync(
      const std::string& id_or_prefix, const std::vector<std::string>& command,
      absl::Duration timeout) = 0;
  [[nodiscard]] virtual absl::Status ReopenLog(
      const std::string& id_or_prefix) = 0;
  [[nodiscard]] virtual absl::Status Update(
      const std::string& id_or_prefix,
      const runtime::oci::Resources& resources) = 0;
  [[nodiscard]] virtual absl::StatusOr<runtime::cgroups::Stats> Stats(
      const Container& c) const = 0;
};

}  // namespace crisp::containers
