#include "containers/container_info.h"

#include "common/files.h"
#include "containers/container_json.h"
#include "nlohmann/json.hpp"

namespace crisp::containers {

std::string ContainerInfoJson(runtime::Runtime& rt, const Container& c,
                              const ContainerStatus& status) {
  using nlohmann::json;
  json info = json::parse(ContainerToJson(c), nullptr, false);
  if (!info.is_object()) info = json::object();
  info["sandboxID"] = c.pod_id;
  info["runtimeType"] = "crisp";
  int pid = 0;
  if (status.state == ContainerState::kRunning ||
      status.state == ContainerState::kCreated) {
    pid = rt.InitPid(c.Ref()).value_or(0);
  }
  info["pid"] = pid;
  // The spec as the runtime got it; gone with the state dir after a reboot.
  auto spec = ReadFile(c.Bundle().ConfigJson());
  if (spec.ok()) {
    json parsed = json::parse(*spec, nullptr, false);
    if (!parsed.is_discarded()) info["runtimeSpec"] = std::move(parsed);
  }
  return info.dump();
}

}  // namespace crisp::containers
