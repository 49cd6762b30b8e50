// Container <-> JSON, the form it is stored in (table "containers").
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "containers/container.h"

namespace crisp::containers {

std::string ContainerToJson(const Container& c);
[[nodiscard]] absl::StatusOr<Container> ContainerFromJson(
    const std::string& text);

}  // namespace crisp::containers
