// Exec over a remote command session: `crisp-runtime exec` with pipes, or
// with a pty whose master comes back over a console socket (tty).
#pragma once

#include <memory>

#include "streaming/command_session.h"
#include "streaming/requests.h"

namespace crisp::server::stream_backends {

std::unique_ptr<streaming::CommandBackend> MakeExecBackend(
    const streaming::ExecStreamRequest& request,
    const streaming::ContainerTarget& target, const std::string& runtime);

}  // namespace crisp::server::stream_backends
