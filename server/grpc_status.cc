#include "server/grpc_status.h"

#include <string>

#include "common/no_space.h"
#include "common/status.h"

namespace crisp::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // A full disk is RESOURCE_EXHAUSTED whatever a layer on the way made of
  // the code: kubelet and operators tell it from a bug by the code alone.
  if (IsNoSpace(status)) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::string(status.message()));
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

grpc::Status ToGrpcStatusWithDeadline(
    const absl::Status& status, std::chrono::system_clock::time_point deadline,
    std::chrono::system_clock::time_point now) {
  if (absl::IsCancelled(status) && now >= deadline) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        std::string(status.message()));
  }
  return ToGrpcStatus(status);
}

}  // namespace crisp::server
