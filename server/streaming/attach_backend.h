// Attach over a remote command session: the container's crisp-monitor
// attach socket (runtime/monitor/attach.h frames) joined to the streams.
#pragma once

#include <memory>

#include "server/streaming/command_session.h"
#include "server/streaming/requests.h"

namespace crisp::server::streaming {

std::unique_ptr<CommandBackend> MakeAttachBackend(
    const AttachRequest& request, const ContainerTarget& target);

}  // namespace crisp::server::streaming
