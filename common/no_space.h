// A full disk (ENOSPC, EDQUOT, SQLite's SQLITE_FULL) as a mark on a
// status, not only a code: ResourceExhausted also means out of memory or
// fds, and a layer on the way up may rewrite the code. ErrnoToStatus marks
// those errno values, Annotate keeps the mark, and the gRPC mapping
// (server/grpc_status.cc) makes every marked status RESOURCE_EXHAUSTED.
#pragma once

#include "absl/status/status.h"

namespace crisp {

// `status` marked as caused by a full file system or quota.
[[nodiscard]] absl::Status MarkNoSpace(absl::Status status);
// Whether `status` (or what it annotates) was caused by a full disk.
bool IsNoSpace(const absl::Status& status);

}  // namespace crisp
