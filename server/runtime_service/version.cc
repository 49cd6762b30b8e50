#include "server/version.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::Version(grpc::ServerContext*,
                                     const v1::VersionRequest*,
                                     v1::VersionResponse* resp) {
  return HandleRpc("Version", "", resp, [] {
    v1::VersionResponse version;
    // "0.1.0" is the kubelet runtime API version every CRI runtime reports.
    version.set_version("0.1.0");
    version.set_runtime_name(kRuntimeName);
    version.set_runtime_version(kRuntimeVersion);
    version.set_runtime_api_version("v1");
    return version;
  });
}

}  // namespace crisp::server
