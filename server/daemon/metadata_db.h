// Opening crisp.db at start-up, with the refusals that keep crispd from
// starting empty while the pods and containers of an earlier run still
// exist: the database is the only record of them (their state dirs hold
// bundles and exit records, not their CRI metadata), so it cannot be
// rebuilt from disk, and an empty start would leave them running
// unmanaged. docs/recovery.md gives the operator's steps.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/database.h"
#include "server/config/config.h"

namespace crisp::server {

// <root>/crisp.db, migrated to the current schema. A damaged file
// (DataLoss) or a missing or empty one while <state> still holds pods or
// containers (FailedPrecondition) is refused with a message naming the
// file, the cause and how to recover.
[[nodiscard]] absl::StatusOr<std::unique_ptr<store::Database>>
OpenMetadataDatabase(const Config& config);

}  // namespace crisp::server
