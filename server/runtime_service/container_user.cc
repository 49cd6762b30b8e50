#include "server/runtime_service/container_user.h"

#include "glog/logging.h"
#include "runtime/spec/json.h"

namespace crisp::server {

void ToCriContainerUser(const runtime::spec::User& user,
                        v1::ContainerUser* out) {
  v1::LinuxContainerUser* lx = out->mutable_linux();
  lx->set_uid(user.uid);
  lx->set_gid(user.gid);
  for (uint32_t gid : user.additional_gids) {
    lx->add_supplemental_groups(gid);
  }
}

void FillContainerUser(const containers::Container& c,
                       v1::ContainerStatus* out) {
  auto spec = runtime::spec::LoadBundle(c.dir);
  if (!spec.ok()) {
    VLOG(1) << "container " << c.id << ": no user in status: " << spec.status();
    return;
  }
  if (!spec->process) return;
  ToCriContainerUser(spec->process->user, out->mutable_user());
}

}  // namespace crisp::server
