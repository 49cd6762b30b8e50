// Exec, Attach and PortForward: each checks its target (a running
// container; a ready pod) and answers with a single-use URL of crispd's
// streaming server, where the client then upgrades to SPDY and gets its
// session (streaming/).
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"
#include "streaming/streaming_server.h"

namespace crisp::server {
namespace {

namespace st = streaming;

absl::StatusOr<st::StdioOptions> Stdio(bool tty, bool in, bool out, bool err) {
  if (tty && err) {
    return absl::InvalidArgumentError(
        "tty and stderr cannot both be true: a terminal has one output");
  }
  if (!in && !out && !err) {
    return absl::InvalidArgumentError(
        "one of stdin, stdout or stderr must be set");
  }
  return st::StdioOptions{tty, in, out, err};
}

// The full id of a running container; FailedPrecondition otherwise.
absl::StatusOr<std::string> RunningContainer(const RuntimeServiceDeps& deps,
                                             const std::string& id) {
  if (deps.containers == nullptr) {
    return absl::UnavailableError("containers are not served");
  }
  ASSIGN_OR_RETURN(containers::Container c, deps.containers->Get(id));
  if (deps.containers->StatusOf(c).state !=
      containers::ContainerState::kRunning) {
    return absl::FailedPreconditionError(
        absl::StrCat("container ", c.id, " is not running"));
  }
  return c.id;
}

absl::StatusOr<std::string> Url(const RuntimeServiceDeps& deps,
                                st::StreamRequest request) {
  if (deps.streaming == nullptr) {
    return absl::UnavailableError("the streaming server is not running");
  }
  return deps.streaming->UrlFor(std::move(request));
}

absl::StatusOr<std::string> ExecUrl(const RuntimeServiceDeps& deps,
                                    const v1::ExecRequest& req) {
  if (req.cmd().empty()) {
    return absl::InvalidArgumentError("exec: cmd must not be empty");
  }
  ASSIGN_OR_RETURN(st::StdioOptions stdio,
                   Stdio(req.tty(), req.stdin(), req.stdout(), req.stderr()));
  ASSIGN_OR_RETURN(std::string id, RunningContainer(deps, req.container_id()));
  return Url(deps, st::ExecStreamRequest{
                       id, {req.cmd().begin(), req.cmd().end()}, stdio});
}

absl::StatusOr<std::string> AttachUrl(const RuntimeServiceDeps& deps,
                                      const v1::AttachRequest& req) {
  ASSIGN_OR_RETURN(st::StdioOptions stdio,
                   Stdio(req.tty(), req.stdin(), req.stdout(), req.stderr()));
  ASSIGN_OR_RETURN(std::string id, RunningContainer(deps, req.container_id()));
  return Url(deps, st::AttachRequest{id, stdio});
}

absl::StatusOr<std::string> PortForwardUrl(const RuntimeServiceDeps& deps,
                                           const v1::PortForwardRequest& req) {
  if (deps.pods == nullptr)
    return absl::UnavailableError("pods are not served");
  ASSIGN_OR_RETURN(sandbox::Pod pod, deps.pods->Get(req.pod_sandbox_id()));
  if (pod.state != sandbox::PodState::kReady) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod sandbox ", pod.id, " is not ready"));
  }
  return Url(deps, st::PortForwardRequest{
                       pod.id, {req.port().begin(), req.port().end()}});
}

// The RPC's answer: its response carrying the URL.
template <typename Response>
absl::StatusOr<Response> WithUrl(absl::StatusOr<std::string> url) {
  if (!url.ok()) return url.status();
  Response resp;
  resp.set_url(*std::move(url));
  return resp;
}

}  // namespace

grpc::Status RuntimeService::Exec(grpc::ServerContext*,
                                  const v1::ExecRequest* req,
                                  v1::ExecResponse* resp) {
  return HandleRpc("Exec", req->container_id(), resp, [&] {
    return WithUrl<v1::ExecResponse>(ExecUrl(deps_, *req));
  });
}

grpc::Status RuntimeService::Attach(grpc::ServerContext*,
                                    const v1::AttachRequest* req,
                                    v1::AttachResponse* resp) {
  return HandleRpc("Attach", req->container_id(), resp, [&] {
    return WithUrl<v1::AttachResponse>(AttachUrl(deps_, *req));
  });
}

grpc::Status RuntimeService::PortForward(grpc::ServerContext*,
                                         const v1::PortForwardRequest* req,
                                         v1::PortForwardResponse* resp) {
  return HandleRpc("PortForward", req->pod_sandbox_id(), resp, [&] {
    return WithUrl<v1::PortForwardResponse>(PortForwardUrl(deps_, *req));
  });
}

}  // namespace crisp::server
