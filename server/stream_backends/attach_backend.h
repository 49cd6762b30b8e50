// Attach over a remote command session: the container's crisp-monitor
// attach socket (runtime/monitor/attach.h frames) joined to the streams.
#pragma once

#include <memory>

#include "streaming/command_session.h"
#include "streaming/requests.h"

namespace crisp::server::stream_backends {

std::unique_ptr<streaming::CommandBackend> MakeAttachBackend(
    const streaming::AttachRequest& request,
    const streaming::ContainerTarget& target);

}  // namespace crisp::server::stream_backends
