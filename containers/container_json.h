// Container <-> JSON, the form it is stored in (table "containers", schema
// migration 4).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/store/record_table.h"
#include "containers/container.h"

namespace crisp::containers {

std::string ContainerToJson(const Container& c);
[[nodiscard]] absl::StatusOr<Container> ContainerFromJson(
    const std::string& text);

// Never edit: a change is a new migration.
inline constexpr char kContainersSchema[] =
    "CREATE TABLE containers (id TEXT PRIMARY KEY, key TEXT NOT NULL "
    "UNIQUE, pod_id TEXT NOT NULL, container TEXT NOT NULL)";
// Rows keyed by Container::Key, with the pod's id in a column of its own.
store::RecordFormat<Container> ContainerFormat();

}  // namespace crisp::containers
