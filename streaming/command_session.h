// One exec or attach over an upgraded connection, as kubelet's remote
// command server runs it: wait for the client's streams (error, and
// stdin/stdout/stderr/resize as the request asked), start the backend,
// pump, then end stdout and stderr, write the status on the error stream
// and close.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "streaming/poller.h"
#include "streaming/remote_command.h"
#include "streaming/requests.h"
#include "streaming/spdy_connection.h"

namespace crisp::streaming {

// Where a backend's output goes.
class CommandSink {
 public:
  virtual ~CommandSink() = default;
  virtual void Stdout(absl::string_view data) = 0;
  virtual void Stderr(absl::string_view data) = 0;
  // The command is over (all output already given).
  virtual void Done(CommandResult result) = 0;
};

// What runs the command: a process (exec) or the monitor (attach). Its
// fds are watched on the session's poller.
class CommandBackend {
 public:
  virtual ~CommandBackend() = default;
  [[nodiscard]] virtual absl::Status Start(Poller& poller,
                                           CommandSink& sink) = 0;
  virtual void Stdin(absl::string_view data) = 0;
  virtual void CloseStdin() = 0;
  virtual void Resize(TerminalSize size) = 0;
  // Input queued and not yet taken: above kMaxBuffered the client waits.
  virtual size_t Buffered() const = 0;
  // The client is gone before the end: stop (exec kills its process).
  virtual void Abort() = 0;
};

// Serves the session to its end.
void RunCommandSession(SpdyConnection& conn, const std::string& protocol,
                       const StdioOptions& stdio, CommandBackend& backend);

}  // namespace crisp::streaming
