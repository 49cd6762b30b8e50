// The one place where Crisp's absl::Status becomes a gRPC status. Codes map
// one to one (both follow google.rpc.Code).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace crisp::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace crisp::server
