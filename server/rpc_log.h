// One glog line per RPC at INFO: method, main object id, gRPC code and
// duration. Handlers wrap their body in LoggedRpc.
#pragma once

#include <grpcpp/support/status.h>
#include "absl/strings/string_view.h"

#include <chrono>
#include <string_view>
#include <utility>

namespace crisp::server {

void LogRpc(absl::string_view method, absl::string_view id,
            const grpc::Status& status, std::chrono::nanoseconds duration);

template <typename Body>
grpc::Status LoggedRpc(absl::string_view method, absl::string_view id,
                       Body&& body) {
  auto start = std::chrono::steady_clock::now();
  grpc::Status status = std::forward<Body>(body)();
  LogRpc(method, id, status, std::chrono::steady_clock::now() - start);
  return status;
}

}  // namespace crisp::server
