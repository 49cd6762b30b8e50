#include "glog/logging.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::RuntimeConfig(grpc::ServerContext*,
                                           const v1::RuntimeConfigRequest*,
                                           v1::RuntimeConfigResponse* resp) {
  return HandleRpc("RuntimeConfig", "", resp, [&] {
    v1::RuntimeConfigResponse config;
    // ValidateConfig admits only the drivers Crisp implements.
    config.mutable_linux()->set_cgroup_driver(
        deps_.config->runtime.cgroup_driver == "systemd" ? v1::SYSTEMD
                                                         : v1::CGROUPFS);
    return config;
  });
}

grpc::Status RuntimeService::UpdateRuntimeConfig(
    grpc::ServerContext*, const v1::UpdateRuntimeConfigRequest* req,
    v1::UpdateRuntimeConfigResponse*) {
  return HandleRpc("UpdateRuntimeConfig", "", [&] {
    // kubelet sends the node's pod CIDR here. CNI configs in
    // /etc/cni/net.d carry their own IPAM ranges, so it is recorded for
    // Status and for network plugins that want it, not applied.
    const std::string& cidr = req->runtime_config().network_config().pod_cidr();
    absl::MutexLock lock(&mu_);
    if (cidr != pod_cidr_) LOG(INFO) << "pod CIDR set to \"" << cidr << "\"";
    pod_cidr_ = cidr;
    return absl::OkStatus();
  });
}

std::string RuntimeService::pod_cidr() const {
  absl::MutexLock lock(&mu_);
  return pod_cidr_;
}

}  // namespace crisp::server
