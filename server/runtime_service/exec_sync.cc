// ExecSync (kubelet's exec probes): the command's output and exit code; a
// timeout is an error, as kubelet expects, and leaves no process behind.
#include "absl/time/time.h"
#include "server/grpc_status.h"
#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {

grpc::Status RuntimeService::ExecSync(grpc::ServerContext*,
                                      const v1::ExecSyncRequest* req,
                                      v1::ExecSyncResponse* resp) {
  const std::string& id = req->container_id();
  return LoggedRpc("ExecSync", id, [&] {
    std::vector<std::string> cmd(req->cmd().begin(), req->cmd().end());
    absl::Duration timeout = req->timeout() > 0 ? absl::Seconds(req->timeout())
                                                : absl::InfiniteDuration();
    auto result = deps_.containers->ExecSync(id, cmd, timeout);
    if (!result.ok()) return ToGrpcStatus(result.status());
    resp->set_stdout(result->out);
    resp->set_stderr(result->err);
    resp->set_exit_code(result->exit_code);
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
