// GetContainerEvents: one subscription to the event hub per stream, its
// initial metadata sent once subscribed (a client that waits for it knows
// it misses nothing that follows). An
// event is turned into CRI when it is sent, so it carries the pod's status
// and its containers' statuses as they are then (at least as new as the
// event, which is what kubelet's evented PLEG caches them for).
#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/container_translate.h"
#include "server/runtime_service/pod_translate.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

// How often a waiting stream checks whether its client has gone.
constexpr absl::Duration kCancelCheck = absl::Milliseconds(200);

v1::ContainerEventType ToCriEventType(events::Kind kind) {
  switch (kind) {
    case events::Kind::kCreated:
      return v1::CONTAINER_CREATED_EVENT;
    case events::Kind::kStarted:
      return v1::CONTAINER_STARTED_EVENT;
    case events::Kind::kStopped:
      return v1::CONTAINER_STOPPED_EVENT;
    case events::Kind::kDeleted:
      break;
  }
  return v1::CONTAINER_DELETED_EVENT;
}

// The pod as it is, or as it was last when it is gone (its own DELETED
// event, and those of the containers it removed). Without one kubelet
// skips the event, which it tolerates: its relist catches up.
void AddPodStatus(const RuntimeServiceDeps& deps, const std::string& pod_id,
                  v1::ContainerEventResponse* out) {
  auto pod = deps.pods->Get(pod_id);
  if (absl::IsNotFound(pod.status())) pod = deps.pods->Removed(pod_id);
  if (pod.ok()) ToCriPodSandboxStatus(*pod, out->mutable_pod_sandbox_status());
}

v1::ContainerEventResponse ToCriEvent(const RuntimeServiceDeps& deps,
                                      const events::Event& e) {
  v1::ContainerEventResponse out;
  out.set_container_id(e.container_id);
  out.set_container_event_type(ToCriEventType(e.kind));
  out.set_created_at(e.at_unix_nanos);
  AddPodStatus(deps, e.pod_id, &out);
  for (const containers::Container& c : deps.containers->List()) {
    if (c.pod_id != e.pod_id) continue;
    ToCriContainerStatus(c, deps.containers->StatusOf(c),
                         out.add_containers_statuses());
  }
  return out;
}

// Sends until the client goes, the subscriber falls behind or crispd
// shuts down.
grpc::Status Serve(const RuntimeServiceDeps& deps, grpc::ServerContext* ctx,
                   events::Subscription& sub,
                   grpc::ServerWriter<v1::ContainerEventResponse>* writer) {
  for (;;) {
    events::Event e;
    switch (sub.Next(kCancelCheck, &e)) {
      case events::Subscription::Wait::kEvent:
        if (!writer->Write(ToCriEvent(deps, e))) {
          return grpc::Status(grpc::StatusCode::CANCELLED,
                              "GetContainerEvents: the client went away");
        }
        break;
      case events::Subscription::Wait::kTimeout:
        if (ctx->IsCancelled()) {
          return grpc::Status(grpc::StatusCode::CANCELLED,
                              "GetContainerEvents: cancelled by the client");
        }
        break;
      case events::Subscription::Wait::kDropped:
        return grpc::Status(
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            "GetContainerEvents: this subscriber fell too far behind and was "
            "dropped; subscribe again (and relist)");
      case events::Subscription::Wait::kClosed:
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "GetContainerEvents: crispd is shutting down");
    }
  }
}

}  // namespace

// On LoggedRpc itself, not HandleRpc: how the stream ends is a gRPC code
// decided here (client gone, subscriber dropped, shutdown).
grpc::Status RuntimeService::GetContainerEvents(
    grpc::ServerContext* ctx, const v1::GetEventsRequest*,
    grpc::ServerWriter<v1::ContainerEventResponse>* writer) {
  return LoggedRpc("GetContainerEvents", "", [&] {
    if (deps_.events == nullptr) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "GetContainerEvents: no event source configured");
    }
    auto sub = deps_.events->Subscribe();
    if (!sub.ok()) return ToGrpcStatus(sub.status());
    absl::Cleanup unsubscribe = [&] { deps_.events->Unsubscribe(*sub); };
    // Tells the client it is subscribed: whatever happens from the moment
    // its initial metadata arrives reaches it.
    writer->SendInitialMetadata();
    return Serve(deps_, ctx, **sub, writer);
  });
}

}  // namespace crisp::server
