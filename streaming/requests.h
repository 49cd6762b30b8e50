// What a streaming URL stands for, with no CRI types: the RPC handlers
// fill these in, the token cache keeps them for a minute, a session serves
// one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace crisp::streaming {

class CommandBackend;  // command_session.h

// Which of a remote command's streams the client asked for.
struct StdioOptions {
  bool tty = false;
  bool stdin = false;
  bool stdout = false;
  bool stderr = false;  // never with tty: a terminal has one output
};

struct ExecStreamRequest {
  std::string container_id;
  std::vector<std::string> command;
  StdioOptions stdio;
};

struct AttachRequest {
  std::string container_id;
  StdioOptions stdio;
};

struct PortForwardRequest {
  std::string pod_id;
  std::vector<int32_t> ports;  // informational: the client names its ports
};

using StreamRequest =
    std::variant<ExecStreamRequest, AttachRequest, PortForwardRequest>;

// A running container as a session needs it.
struct ContainerTarget {
  std::string dir;          // the container dir: runtime root, attach.sock
  bool stdin_once = false;  // attach: the client's EOF closes the stdin
};

// How sessions reach crispd's containers and pods, looked up again when a
// client connects (the container may have gone since the RPC).
struct Backends {
  // FailedPrecondition when the container is not running.
  std::function<absl::StatusOr<ContainerTarget>(const std::string& id)>
      container;
  // The pod's network namespace file; empty for a host-network pod.
  std::function<absl::StatusOr<std::string>(const std::string& pod_id)>
      pod_netns;
  // What runs an exec or an attach once its client has connected: the
  // streaming server knows no runtime (crispd's are server/stream_backends/).
  std::function<std::unique_ptr<CommandBackend>(const ExecStreamRequest&,
                                                const ContainerTarget&)>
      exec;
  std::function<std::unique_ptr<CommandBackend>(const AttachRequest&,
                                                const ContainerTarget&)>
      attach;
};

}  // namespace crisp::streaming
