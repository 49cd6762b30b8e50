// Exec over a remote command session: `crisp-runtime exec` with pipes, or
// with a pty whose master comes back over a console socket (tty).
#pragma once

#include <memory>

#include "server/streaming/command_session.h"
#include "server/streaming/requests.h"

namespace crisp::server::streaming {

std::unique_ptr<CommandBackend> MakeExecBackend(const ExecRequest& request,
                                                const ContainerTarget& target,
                                                const std::string& runtime);

}  // namespace crisp::server::streaming
