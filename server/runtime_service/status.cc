#include "server/handle_rpc.h"
#include "server/runtime_service/pod_translate.h"
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

// Every handler RunPodSandbox accepts, the default one under "" as
// containerd lists it, with what was measured at start-up: kubelet and
// critest look a handler up by the name a pod asks for.
void AddRuntimeHandlers(v1::StatusResponse* resp,
                        const specgen::NodeFeatures* node) {
  for (const std::string& name : RuntimeHandlerNames()) {
    v1::RuntimeHandler* h = resp->add_runtime_handlers();
    h->set_name(name);
    v1::RuntimeHandlerFeatures* f = h->mutable_features();
    f->set_recursive_read_only_mounts(node != nullptr &&
                                      node->recursive_read_only_mounts);
    f->set_user_namespaces(false);
  }
}

}  // namespace

grpc::Status RuntimeService::Status(grpc::ServerContext*,
                                    const v1::StatusRequest* req,
                                    v1::StatusResponse* resp) {
  return HandleRpc("Status", "", resp, [&] {
    v1::StatusResponse out;
    v1::RuntimeStatus* status = out.mutable_status();
    AddCondition(status, "RuntimeReady", deps_.health->RuntimeReady());
    AddCondition(status, "NetworkReady", deps_.health->NetworkReady());
    AddRuntimeHandlers(&out, deps_.features);
    // Merge and Strict are both applied (spec/user.cc).
    out.mutable_features()->set_supplemental_groups_policy(true);
    if (req->verbose()) {
      (*out.mutable_info())["config"] = ConfigToJson(*deps_.config).dump();
      (*out.mutable_info())["apparmor"] = specgen::DescribeAppArmor(
          deps_.apparmor ? *deps_.apparmor : specgen::AppArmorState{});
    }
    return out;
  });
}

}  // namespace crisp::server
