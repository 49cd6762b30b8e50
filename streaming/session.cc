#include "streaming/session.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "glog/logging.h"
#include "streaming/command_session.h"
#include "streaming/http_upgrade.h"
#include "streaming/portforward_session.h"
#include "streaming/remote_command.h"
#include "streaming/spdy_connection.h"

namespace crisp::streaming {
namespace {

// A client sends its request head at once: one that does not, holds a
// connection slot (and a thread) for nothing.
constexpr absl::Duration kRequestTimeout = absl::Seconds(10);

// The request the path's token stands for, if the path's kind matches.
std::optional<StreamRequest> Lookup(const std::string& path,
                                    TokenCache& tokens) {
  for (const char* kind : {"exec", "attach", "portforward"}) {
    absl::string_view rest = path;
    if (!absl::ConsumePrefix(&rest, absl::StrCat("/", kind, "/"))) continue;
    std::optional<StreamRequest> r = tokens.Consume(std::string(rest));
    bool matches = r && ((kind == std::string("exec") &&
                          std::holds_alternative<ExecStreamRequest>(*r)) ||
                         (kind == std::string("attach") &&
                          std::holds_alternative<AttachRequest>(*r)) ||
                         (kind == std::string("portforward") &&
                          std::holds_alternative<PortForwardRequest>(*r)));
    return matches ? r : std::nullopt;
  }
  return std::nullopt;
}

// The container a remote command targets, or the error to report.
absl::StatusOr<ContainerTarget> TargetOf(const StreamRequest& r,
                                         const Backends& b) {
  const bool exec = std::holds_alternative<ExecStreamRequest>(r);
  if (exec ? !b.exec : !b.attach) {
    return absl::UnimplementedError(
        absl::StrCat(exec ? "exec" : "attach", " is not served here"));
  }
  const std::string& id = exec ? std::get<ExecStreamRequest>(r).container_id
                               : std::get<AttachRequest>(r).container_id;
  return b.container(id);
}

void RunCommand(UniqueFd socket, const HttpRequest& http,
                const std::string& protocol, const StreamRequest& r,
                const Backends& b) {
  auto target = TargetOf(r, b);
  if (!target.ok()) {
    WriteHttpError(socket.get(), 500, target.status().message());
    return;
  }
  // A client that named no protocol gets none named back (kubelet's v1).
  if (!WriteUpgradeResponse(socket.get(),
                            http.protocols.empty() ? "" : protocol)) {
    return;
  }
  SpdyConnection conn(std::move(socket), http.leftover);
  std::unique_ptr<CommandBackend> backend;
  StdioOptions stdio;
  if (const auto* exec = std::get_if<ExecStreamRequest>(&r)) {
    backend = b.exec(*exec, *target);
    stdio = exec->stdio;
  } else {
    const auto& attach = std::get<AttachRequest>(r);
    backend = b.attach(attach, *target);
    stdio = attach.stdio;
  }
  RunCommandSession(conn, protocol, stdio, *backend);
}

void RunPortForward(UniqueFd socket, const HttpRequest& http,
                    const std::string& protocol, const PortForwardRequest& r,
                    const Backends& b) {
  auto netns = b.pod_netns(r.pod_id);
  if (!netns.ok()) {
    WriteHttpError(socket.get(), 500, netns.status().message());
    return;
  }
  if (!WriteUpgradeResponse(socket.get(), protocol)) return;
  SpdyConnection conn(std::move(socket), http.leftover);
  RunPortForwardSession(conn, {r.pod_id, *netns});
}

}  // namespace

void ServeConnection(UniqueFd socket, TokenCache& tokens,
                     const Backends& backends) {
  auto http = ReadHttpRequest(socket.get(), kRequestTimeout);
  if (!http.ok()) {
    VLOG(1) << http.status().message();
    return;
  }
  if (http->method != "GET" && http->method != "POST") {
    return WriteHttpError(socket.get(), 405, "method not allowed");
  }
  // Checked before the token is used up, so that a client falling back
  // from WebSocket to SPDY can still use its URL.
  if (!http->spdy_upgrade) {
    return WriteHttpError(socket.get(), 400,
                          "unable to upgrade: missing upgrade headers in "
                          "request (only SPDY/3.1 is served)");
  }
  std::optional<StreamRequest> request = Lookup(http->path, tokens);
  if (!request) {
    return WriteHttpError(socket.get(), 404, "unknown or expired token");
  }
  bool forward = std::holds_alternative<PortForwardRequest>(*request);
  const auto& supported =
      forward ? PortForwardProtocols() : RemoteCommandProtocols();
  std::string protocol = NegotiateProtocol(http->protocols, supported);
  if (protocol.empty() && !http->protocols.empty()) {
    return WriteHttpError(
        socket.get(), 403,
        absl::StrCat("unable to upgrade: unable to negotiate protocol: "
                     "client supports ",
                     absl::StrJoin(http->protocols, ","), ", server supports ",
                     absl::StrJoin(supported, ",")),
        absl::StrCat("X-Accepted-Stream-Protocol-Versions: ",
                     absl::StrJoin(supported, ","), "\r\n"));
  }
  if (forward) {
    RunPortForward(std::move(socket), *http, protocol,
                   std::get<PortForwardRequest>(*request), backends);
  } else {
    RunCommand(std::move(socket), *http,
               protocol.empty() ? kRemoteCommandV1 : protocol, *request,
               backends);
  }
}

}  // namespace crisp::streaming
