// ExecSync (kubelet's exec probes): the command's output and exit code; a
// timeout is an error, as kubelet expects, and leaves no process behind.
#include "absl/time/time.h"
#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

absl::StatusOr<v1::ExecSyncResponse> Run(
    containers::ContainerService& containers, const v1::ExecSyncRequest& req) {
  std::vector<std::string> cmd(req.cmd().begin(), req.cmd().end());
  absl::Duration timeout = req.timeout() > 0 ? absl::Seconds(req.timeout())
                                             : absl::InfiniteDuration();
  ASSIGN_OR_RETURN(containers::ExecResult result,
                   containers.ExecSync(req.container_id(), cmd, timeout));
  v1::ExecSyncResponse resp;
  resp.set_stdout(result.out);
  resp.set_stderr(result.err);
  resp.set_exit_code(result.exit_code);
  return resp;
}

}  // namespace

grpc::Status RuntimeService::ExecSync(grpc::ServerContext*,
                                      const v1::ExecSyncRequest* req,
                                      v1::ExecSyncResponse* resp) {
  return HandleRpc("ExecSync", req->container_id(), resp,
                   [&] { return Run(*deps_.containers, *req); });
}

}  // namespace crisp::server
