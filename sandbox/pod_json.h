// Pod <-> JSON, the form a pod is stored in: a row of table "pods" in
// crisp.db, made by crispd's schema migration 3, the pod as JSON, its
// metadata key unique.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/store/record_table.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

std::string PodToJson(const Pod& pod);
// InvalidArgument naming the field when the text is not a stored pod.
[[nodiscard]] absl::StatusOr<Pod> PodFromJson(const std::string& text);

// The table, as the migration creates it. Never edit: a change is a new
// migration.
inline constexpr char kPodsSchema[] =
    "CREATE TABLE pods (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
    "pod TEXT NOT NULL)";
// A second pod with the same metadata is AlreadyExists.
store::RecordFormat<Pod> PodFormat();

}  // namespace crisp::sandbox
