// Every RPC handler runs its body through LoggedRpc, which
//  - logs one glog line at INFO: method, main object id, gRPC code, duration;
//  - counts it as in flight, so shutdown can drain RPCs before it closes
//    connections (gRPC alone would wait for idle clients such as kubelet
//    to hang up, until its deadline);
//  - refuses it with UNAVAILABLE once draining has begun;
//  - turns an exception escaping the body into INTERNAL with its message,
//    and still ends the RPC (an RPC left counted in flight made every
//    shutdown wait its full timeout).
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/string_view.h"

namespace crisp::server {

void LogRpc(absl::string_view method, absl::string_view id,
            const grpc::Status& status, std::chrono::nanoseconds duration);

// False once draining has begun; otherwise counts the RPC as in flight.
bool BeginRpc();
void EndRpc();

// Refuses new RPCs from now on and waits until none is in flight or
// `timeout` has passed; true when drained.
bool DrainRpcs(std::chrono::milliseconds timeout);

// INTERNAL "<method>: unexpected exception: <what>" for the exception being
// handled; call only inside a catch block.
grpc::Status ExceptionToGrpcStatus(absl::string_view method);

template <typename Body>
grpc::Status LoggedRpc(absl::string_view method, absl::string_view id,
                       Body&& body) {
  auto start = std::chrono::steady_clock::now();
  grpc::Status status(grpc::StatusCode::UNAVAILABLE, "crispd is shutting down");
  if (BeginRpc()) {
    absl::Cleanup end = [] { EndRpc(); };
    try {
      status = std::forward<Body>(body)();
    } catch (...) {
      status = ExceptionToGrpcStatus(method);
    }
  }
  LogRpc(method, id, status, std::chrono::steady_clock::now() - start);
  return status;
}

}  // namespace crisp::server
