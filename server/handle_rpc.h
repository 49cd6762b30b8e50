// The one shape of a CRI handler. Its body says what the RPC answers, as a
// value: absl::StatusOr<Response>, or absl::Status where the response is
// empty or the RPC writes its own stream. HandleRpc does the rest, the same
// for every RPC: it runs the body through LoggedRpc (the log line, drain,
// exceptions: rpc_log.h), turns an error into the RPC's gRPC status with
// the one mapping (grpc_status.h) and moves a value into the response.
#pragma once

#include <grpcpp/support/status.h>

#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"

namespace crisp::server {

// `body` returns absl::StatusOr<Response> (or, when it cannot fail, a
// Response); its value becomes *resp. `to_grpc` maps an error, where an RPC
// needs more than the status (PullImage: the client's deadline).
template <typename Response, typename Body,
          typename ToGrpc = grpc::Status (*)(const absl::Status&)>
grpc::Status HandleRpc(absl::string_view method, absl::string_view id,
                       Response* resp, Body&& body,
                       ToGrpc&& to_grpc = &ToGrpcStatus) {
  using Answer = std::invoke_result_t<Body>;
  static_assert(std::is_same_v<Answer, absl::StatusOr<Response>> ||
                    std::is_same_v<Answer, Response>,
                "the body of an RPC with a response returns StatusOr of it");
  return LoggedRpc(method, id, [&] {
    absl::StatusOr<Response> answer = std::forward<Body>(body)();
    if (!answer.ok()) return to_grpc(answer.status());
    *resp = *std::move(answer);
    return grpc::Status::OK;
  });
}

// `body` returns absl::Status: the RPC's response is empty, or the body
// wrote its stream itself.
template <typename Body>
grpc::Status HandleRpc(absl::string_view method, absl::string_view id,
                       Body&& body) {
  static_assert(std::is_same_v<std::invoke_result_t<Body>, absl::Status>,
                "the body of an RPC without a response returns a Status");
  return LoggedRpc(method, id,
                   [&] { return ToGrpcStatus(std::forward<Body>(body)()); });
}

}  // namespace crisp::server
