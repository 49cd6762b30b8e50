// What the CRI server asks of pod sandboxes, as an interface: its handlers
// depend on this, not on PodManager, so that they can be tested on a fake
// without root. Only the operations the server calls.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

// pod_manager.h: an admission is bound to the manager that gave it.
class PodCreateAdmission;

class PodService {
 public:
  virtual ~PodService() = default;

  [[nodiscard]] virtual absl::StatusOr<Pod> Run(const PodSpec& spec) = 0;
  [[nodiscard]] virtual absl::Status Stop(const std::string& id_or_prefix) = 0;
  [[nodiscard]] virtual absl::Status Remove(
      const std::string& id_or_prefix) = 0;

  [[nodiscard]] virtual absl::StatusOr<Pod> Get(
      const std::string& id_or_prefix) = 0;
  virtual std::vector<Pod> List() = 0;
  // A pod removed lately, as it was last (NotFound once forgotten).
  [[nodiscard]] virtual absl::StatusOr<Pod> Removed(const std::string& id) = 0;

  // The readiness check of a container create (PodManager::AdmitCreate).
  [[nodiscard]] virtual absl::StatusOr<PodCreateAdmission> AdmitCreate(
      const std::string& id_or_prefix) = 0;
};

}  // namespace crisp::sandbox
