// One streaming connection from its HTTP request to the end of its
// session: the token in the path names the request; the upgrade is checked
// and its protocol negotiated as kubelet does (404 unknown or used token,
// 400 not an SPDY upgrade, 403 no common protocol); then the exec, attach
// or port-forward session runs on the connection.
#pragma once

#include "common/unique_fd.h"
#include "streaming/requests.h"
#include "streaming/token_cache.h"

namespace crisp::streaming {

void ServeConnection(UniqueFd socket, TokenCache& tokens,
                     const Backends& backends);

}  // namespace crisp::streaming
