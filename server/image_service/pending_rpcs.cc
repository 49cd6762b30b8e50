// UNIMPLEMENTED answers for the ImageService RPCs not landed yet.
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"

namespace crisp::server {
namespace {

grpc::Status Pending(absl::string_view method) {
  return LoggedRpc(method, "", [&] {
    return grpc::Status(
        grpc::StatusCode::UNIMPLEMENTED,
        absl::StrCat(method,
                     ": not implemented yet in crisp (image "
                     "service: pull, store and manage images)"));
  });
}

}  // namespace

#define CRISP_PENDING_RPC(Method)                               \
  grpc::Status ImageService::Method(grpc::ServerContext*,       \
                                    const v1::Method##Request*, \
                                    v1::Method##Response*) {    \
    return Pending(#Method);                                    \
  }
#define CRISP_PENDING_STREAM(Method, Request, Response)                       \
  grpc::Status ImageService::Method(grpc::ServerContext*, const v1::Request*, \
                                    grpc::ServerWriter<v1::Response>*) {      \
    return Pending(#Method);                                                  \
  }
#include "server/image_service/pending_rpcs.inc"
#undef CRISP_PENDING_RPC
#undef CRISP_PENDING_STREAM

}  // namespace crisp::server
