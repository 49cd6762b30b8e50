// Readiness of the runtime and of the pod network, as reported by Status.
#pragma once

#include <string>

#include "server/config/config.h"

namespace crisp::server {

struct Condition {
  bool ready = false;
  std::string reason;   // CamelCase, empty when ready
  std::string message;  // human-readable cause, empty when ready
};

class NodeHealth {
 public:
  virtual ~NodeHealth() = default;
  virtual Condition RuntimeReady() = 0;
  virtual Condition NetworkReady() = 0;
};

// Checks the real node: the cgroup file system and the state directory for
// the runtime; a valid CNI network whose plugins are installed for the
// network.
class LiveNodeHealth : public NodeHealth {
 public:
  explicit LiveNodeHealth(const Config& config) : config_(config) {}
  Condition RuntimeReady() override;
  Condition NetworkReady() override;

 private:
  const Config& config_;
};

}  // namespace crisp::server
