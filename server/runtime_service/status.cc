#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

void AddCondition(v1::RuntimeStatus* status, const char* type,
                  const Condition& c) {
  v1::RuntimeCondition* out = status->add_conditions();
  out->set_type(type);
  out->set_status(c.ready);
  out->set_reason(c.reason);
  out->set_message(c.message);
}

}  // namespace

grpc::Status RuntimeService::Status(grpc::ServerContext*,
                                    const v1::StatusRequest* req,
                                    v1::StatusResponse* resp) {
  return LoggedRpc("Status", "", [&] {
    v1::RuntimeStatus* status = resp->mutable_status();
    AddCondition(status, "RuntimeReady", deps_.health->RuntimeReady());
    AddCondition(status, "NetworkReady", deps_.health->NetworkReady());
    if (req->verbose()) {
      (*resp->mutable_info())["config"] = ConfigToJson(*deps_.config).dump();
      (*resp->mutable_info())["apparmor"] = spec::DescribeAppArmor(
          deps_.apparmor ? *deps_.apparmor : spec::AppArmorState{});
    }
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
