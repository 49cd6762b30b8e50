#include "server/stream_backends/command_backends.h"

#include "server/stream_backends/attach_backend.h"
#include "server/stream_backends/exec_backend.h"

namespace crisp::server::stream_backends {

void SetCommandBackends(const std::string& runtime_path,
                        streaming::Backends& backends) {
  backends.exec = [runtime_path](const streaming::ExecStreamRequest& request,
                                 const streaming::ContainerTarget& target) {
    return MakeExecBackend(request, target, runtime_path);
  };
  backends.attach = [](const streaming::AttachRequest& request,
                       const streaming::ContainerTarget& target) {
    return MakeAttachBackend(request, target);
  };
}

}  // namespace crisp::server::stream_backends
