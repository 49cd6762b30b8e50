// ContainerStatus, ListContainers and StreamContainers.
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

using Listed =
    std::vector<std::pair<containers::Container, containers::ContainerStatus>>;

Listed Matching(containers::ContainerService& containers,
                const v1::ContainerFilter& filter) {
  Listed out;
  for (auto& c : containers.List()) {
    containers::ContainerStatus status = containers.StatusOf(c);
    if (MatchesFilter(c, status, filter))
      out.emplace_back(std::move(c), status);
  }
  return out;
}

absl::StatusOr<v1::ContainerStatusResponse> StatusOf(
    containers::ContainerService& containers,
    const v1::ContainerStatusRequest& req) {
  ASSIGN_OR_RETURN(containers::Container c, containers.Get(req.container_id()));
  containers::ContainerStatus status = containers.StatusOf(c);
  v1::ContainerStatusResponse resp;
  ToCriContainerStatus(c, status, resp.mutable_status());
  if (req.verbose()) {
    (*resp.mutable_info())["info"] = containers.InfoJson(c, status);
  }
  return resp;
}

}  // namespace

grpc::Status RuntimeService::ContainerStatus(
    grpc::ServerContext*, const v1::ContainerStatusRequest* req,
    v1::ContainerStatusResponse* resp) {
  return HandleRpc("ContainerStatus", req->container_id(), resp,
                   [&] { return StatusOf(*deps_.containers, *req); });
}

grpc::Status RuntimeService::ListContainers(
    grpc::ServerContext*, const v1::ListContainersRequest* req,
    v1::ListContainersResponse* resp) {
  return HandleRpc("ListContainers", "", resp, [&] {
    v1::ListContainersResponse list;
    for (const auto& [c, status] : Matching(*deps_.containers, req->filter())) {
      ToCriContainer(c, status, list.add_containers());
    }
    return list;
  });
}

grpc::Status RuntimeService::StreamContainers(
    grpc::ServerContext*, const v1::StreamContainersRequest* req,
    grpc::ServerWriter<v1::StreamContainersResponse>* writer) {
  return HandleRpc("StreamContainers", "", [&] {
    WriteInBatches(writer, Matching(*deps_.containers, req->filter()),
                   [](const auto& listed, auto& batch) {
                     ToCriContainer(listed.first, listed.second,
                                    batch.add_containers());
                   });
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
