// config.json ⇄ oci::Spec. Type errors name the field by its JSON path
// ("process.user.uid: expected an unsigned integer").
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "runtime/oci/spec.h"

namespace crisp::runtime::oci {

[[nodiscard]] absl::StatusOr<Spec> FromJson(const nlohmann::json& j);
[[nodiscard]] absl::StatusOr<Spec> Parse(const std::string& text);
// Parses a lone process object (crisp-runtime exec --process).
[[nodiscard]] absl::StatusOr<Process> ParseProcess(const std::string& text);
// Parses a lone linux.resources object (crisp-runtime update --resources).
[[nodiscard]] absl::StatusOr<Resources> ParseResources(const std::string& text);
nlohmann::json ToJson(const Spec& spec);
nlohmann::json ToJson(const Process& process);
nlohmann::json ToJson(const Seccomp& seccomp);
nlohmann::json ToJson(const Resources& resources);

// Reads, parses and validates <bundle>/config.json.
[[nodiscard]] absl::StatusOr<Spec> LoadBundle(const std::string& bundle);

}  // namespace crisp::runtime::oci
