// ContainerStatus, ListContainers and StreamContainers.
#include "server/containers/container_json.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

template <typename Emit>
void ForEachMatching(containers::ContainerManager& manager,
                     const v1::ContainerFilter& filter, Emit&& emit) {
  for (const auto& c : manager.List()) {
    containers::ContainerStatus status = manager.StatusOf(c);
    if (MatchesFilter(c, status, filter)) emit(c, status);
  }
}

}  // namespace

grpc::Status RuntimeService::ContainerStatus(
    grpc::ServerContext*, const v1::ContainerStatusRequest* req,
    v1::ContainerStatusResponse* resp) {
  const std::string& id = req->container_id();
  return LoggedRpc("ContainerStatus", id, [&] {
    auto c = deps_.containers->Get(id);
    if (!c.ok()) return ToGrpcStatus(c.status());
    ToCriContainerStatus(*c, deps_.containers->StatusOf(*c),
                         resp->mutable_status());
    if (req->verbose()) {
      (*resp->mutable_info())["info"] = containers::ContainerToJson(*c);
    }
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::ListContainers(
    grpc::ServerContext*, const v1::ListContainersRequest* req,
    v1::ListContainersResponse* resp) {
  return LoggedRpc("ListContainers", "", [&] {
    ForEachMatching(*deps_.containers, req->filter(),
                    [&](const auto& c, const auto& status) {
                      ToCriContainer(c, status, resp->add_containers());
                    });
    return grpc::Status::OK;
  });
}

grpc::Status RuntimeService::StreamContainers(
    grpc::ServerContext*, const v1::StreamContainersRequest* req,
    grpc::ServerWriter<v1::StreamContainersResponse>* writer) {
  constexpr int kBatch = 100;  // keeps each message far below the size cap
  return LoggedRpc("StreamContainers", "", [&] {
    v1::StreamContainersResponse batch;
    ForEachMatching(*deps_.containers, req->filter(),
                    [&](const auto& c, const auto& status) {
                      ToCriContainer(c, status, batch.add_containers());
                      if (batch.containers_size() == kBatch) {
                        writer->Write(batch);
                        batch.Clear();
                      }
                    });
    if (batch.containers_size() > 0) writer->Write(batch);
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
