// ContainerStatus, ListContainers and StreamContainers.
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/runtime_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

using Listed =
    std::vector<std::pair<containers::Container, containers::ContainerStatus>>;

Listed Matching(containers::ContainerManager& manager,
                const v1::ContainerFilter& filter) {
  Listed out;
  for (auto& c : manager.List()) {
    containers::ContainerStatus status = manager.StatusOf(c);
    if (MatchesFilter(c, status, filter))
      out.emplace_back(std::move(c), status);
  }
  return out;
}

}  // namespace

grpc::Status RuntimeService::ContainerStatus(
    grpc::ServerContext*, const v1::ContainerStatusRequest* req,
    v1::ContainerStatusResponse* resp) {
  const std::string& id = req->container_id();
  return LoggedRpc("ContainerStatus", id, [&] {
    auto c = deps_.containers->Get(id);
    if (!c.ok()) return ToGrpcStatus(c.status());
    containers::ContainerStatus status = deps_.containers->StatusOf(*c);
    ToCriContainerStatus(*c, status, resp->mutable_status());
    if (req->verbose()) {
      (*resp->mutable_info())["info"] = deps_.containers->InfoJson(*c, status);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::ListContainers(
    grpc::ServerContext*, const v1::ListContainersRequest* req,
    v1::ListContainersResponse* resp) {
  return LoggedRpc("ListContainers", "", [&] {
    for (const auto& [c, status] : Matching(*deps_.containers, req->filter())) {
      ToCriContainer(c, status, resp->add_containers());
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StreamContainers(
    grpc::ServerContext*, const v1::StreamContainersRequest* req,
    grpc::ServerWriter<v1::StreamContainersResponse>* writer) {
  return LoggedRpc("StreamContainers", "", [&] {
    WriteInBatches(writer, Matching(*deps_.containers, req->filter()),
                   [](const auto& listed, auto& batch) {
                     ToCriContainer(listed.first, listed.second,
                                    batch.add_containers());
                   });
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
