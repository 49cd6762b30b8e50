// UNIMPLEMENTED answers for the RuntimeService RPCs whose capability has
// not landed yet, each naming that capability so callers know what is
// missing rather than seeing a bare code.
#include <map>
#include "absl/strings/string_view.h"

#include "absl/strings/str_cat.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

absl::string_view CapabilityOf(absl::string_view method) {
  static const auto* kCapability =
      new std::map<absl::string_view, absl::string_view>{
          {"RunPodSandbox", "pod sandbox lifecycle"},
          {"StopPodSandbox", "pod sandbox lifecycle"},
          {"RemovePodSandbox", "pod sandbox lifecycle"},
          {"PodSandboxStatus", "pod sandbox lifecycle"},
          {"ListPodSandbox", "pod sandbox lifecycle"},
          {"StreamPodSandboxes", "pod sandbox lifecycle"},
          {"UpdatePodSandboxResources", "pod sandbox lifecycle"},
          {"CreateContainer", "container lifecycle"},
          {"StartContainer", "container lifecycle"},
          {"StopContainer", "container lifecycle"},
          {"RemoveContainer", "container lifecycle"},
          {"ListContainers", "container lifecycle"},
          {"StreamContainers", "container lifecycle"},
          {"ContainerStatus", "container lifecycle"},
          {"UpdateContainerResources", "container lifecycle"},
          {"ReopenContainerLog", "container logs"},
          {"GetContainerEvents", "container events"},
          {"ExecSync", "exec, attach and port-forward streaming"},
          {"Exec", "exec, attach and port-forward streaming"},
          {"Attach", "exec, attach and port-forward streaming"},
          {"PortForward", "exec, attach and port-forward streaming"},
          {"ContainerStats", "container and pod stats"},
          {"ListContainerStats", "container and pod stats"},
          {"StreamContainerStats", "container and pod stats"},
          {"PodSandboxStats", "container and pod stats"},
          {"ListPodSandboxStats", "container and pod stats"},
          {"StreamPodSandboxStats", "container and pod stats"},
          {"ListMetricDescriptors", "container and pod stats"},
          {"ListPodSandboxMetrics", "container and pod stats"},
          {"StreamPodSandboxMetrics", "container and pod stats"},
          {"CheckpointContainer", "checkpoint and restore"},
          {"CheckpointPod", "checkpoint and restore"},
          {"RestorePod", "checkpoint and restore"},
      };
  auto it = kCapability->find(method);
  return it == kCapability->end() ? "this RPC" : it->second;
}

grpc::Status Pending(absl::string_view method) {
  return HandleRpc(method, "", [&] {
    return absl::UnimplementedError(absl::StrCat(
        method, ": not implemented yet in crisp (", CapabilityOf(method), ")"));
  });
}

}  // namespace

#define CRISP_PENDING_RPC(Method)                                 \
  grpc::Status RuntimeService::Method(grpc::ServerContext*,       \
                                      const v1::Method##Request*, \
                                      v1::Method##Response*) {    \
    return Pending(#Method);                                      \
  }
#define CRISP_PENDING_STREAM(Method, Request, Response)                    \
  grpc::Status RuntimeService::Method(grpc::ServerContext*,                \
                                      const v1::Request*,                  \
                                      grpc::ServerWriter<v1::Response>*) { \
    return Pending(#Method);                                               \
  }
#include "server/runtime_service/pending_rpcs.inc"
#undef CRISP_PENDING_RPC
#undef CRISP_PENDING_STREAM

}  // namespace crisp::server
