// CRI ImageService. RPCs whose capability has not landed yet answer
// UNIMPLEMENTED naming it (pending_rpcs.cc).
#pragma once

#include "cri-api/api.grpc.pb.h"
#include "server/config/config.h"

namespace crisp::server {

namespace v1 = ::runtime::v1;

struct ImageServiceDeps {
  const Config* config = nullptr;
};

class ImageService final : public v1::ImageService::Service {
 public:
  explicit ImageService(ImageServiceDeps deps) : deps_(deps) {}

#define CRISP_PENDING_RPC(Method)                                       \
  grpc::Status Method(grpc::ServerContext*, const v1::Method##Request*, \
                      v1::Method##Response*) override;
#define CRISP_PENDING_STREAM(Method, Request, Response)         \
  grpc::Status Method(grpc::ServerContext*, const v1::Request*, \
                      grpc::ServerWriter<v1::Response>*) override;
#include "server/image_service/pending_rpcs.inc"
#undef CRISP_PENDING_RPC
#undef CRISP_PENDING_STREAM

 private:
  ImageServiceDeps deps_;
};

}  // namespace crisp::server
