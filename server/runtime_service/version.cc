#include "server/version.h"
#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::Version(grpc::ServerContext*,
                                     const v1::VersionRequest*,
                                     v1::VersionResponse* resp) {
  return LoggedRpc("Version", "", [&] {
    // "0.1.0" is the kubelet runtime API version every CRI runtime reports.
    resp->set_version("0.1.0");
    resp->set_runtime_name(kRuntimeName);
    resp->set_runtime_version(kRuntimeVersion);
    resp->set_runtime_api_version("v1");
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
