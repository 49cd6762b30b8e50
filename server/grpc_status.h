// The one place where Crisp's absl::Status becomes a gRPC status. Codes map
// one to one (both follow google.rpc.Code).
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>

#include "absl/status/status.h"

namespace crisp::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

// As ToGrpcStatus, for an RPC that stops when its client goes away: a
// cancellation seen once the client's deadline has passed is that deadline
// expiring (gRPC marks such a call cancelled too), so it is answered
// DEADLINE_EXCEEDED, as the client's own timer would say and as critest's
// "public image should timeout" expects.
grpc::Status ToGrpcStatusWithDeadline(
    const absl::Status& status, std::chrono::system_clock::time_point deadline,
    std::chrono::system_clock::time_point now);

}  // namespace crisp::server
