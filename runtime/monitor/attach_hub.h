// The attach side of a monitor: the clients of attach.sock and the
// container's stdin. Nothing here blocks the monitor's loop, and nothing is
// lost or cut in the middle of a frame under back-pressure:
// - each client has a bounded queue of whole output frames, written as its
//   socket takes them (POLLOUT); a client that lets more than
//   kMaxClientQueue pile up is disconnected on purpose, so it sees a clean
//   prefix of the stream and then EOF, never a desynchronised one;
// - kStdin payloads go through a bounded buffer written as the pipe (or
//   pty) takes them; while it holds kMaxStdinBuffer, clients are not read,
//   so their sockets (and kubectl) push back instead of data being dropped.
// Monitor's poll loop drives it through AddPollFds / HandlePoll.
#pragma once

#include <poll.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/fd_writer.h"
#include "common/unique_fd.h"
#include "runtime/monitor/attach.h"

namespace crisp::runtime::monitor {

inline constexpr size_t kMaxClientQueue = size_t{1} << 20;
inline constexpr size_t kMaxStdinBuffer = size_t{1} << 20;

struct AttachHooks {
  std::function<void(unsigned rows, unsigned cols)> resize;  // kResize
  std::function<void()> reopen_log;                          // kReopenLog
};

class AttachHub {
 public:
  // Serves clients connecting to `listen` (non-blocking).
  void Init(UniqueFd listen, AttachHooks hooks);
  // kStdin goes to `pipe` (non-blocking), closed after kCloseStdin once
  // what is buffered has been written.
  void SetStdinPipe(UniqueFd pipe);
  // kStdin goes to a terminal's pty master (not ours; kCloseStdin keeps it).
  void SetStdinPty(int master);

  // Queues `data` as one frame for every client.
  void Broadcast(FrameType type, absl::string_view data);
  // Appends kPollFds + clients() entries; HandlePoll takes them back.
  void AddPollFds(std::vector<pollfd>& fds) const;
  void HandlePoll(const pollfd* fds);
  // Writes queued output for at most `timeout` (the last frames at exit).
  void FlushFor(absl::Duration timeout);
  // Clients, counting those disconnected since the last HandlePoll.
  size_t clients() const { return clients_.size(); }

  static constexpr size_t kPollFds = 2;  // the listener, stdin

 private:
  struct Client {
    UniqueFd fd;
    FrameReader reader;
    FdWriter out;
    bool gone = false;  // hung up, or disconnected: removed in HandlePoll
  };
  void Disconnect(Client& c);
  void Accept();
  bool Read(Client& c);
  void Handle(const AttachFrame& f);
  void WriteStdin(absl::string_view data);
  void FlushStdin();

  UniqueFd listen_;
  AttachHooks hooks_;
  std::vector<std::unique_ptr<Client>> clients_;
  UniqueFd stdin_pipe_;
  int stdin_fd_ = -1;  // stdin_pipe_ or the pty master; -1: none
  FdWriter stdin_;
  bool close_stdin_ = false;  // kCloseStdin came: close once flushed
};

}  // namespace crisp::runtime::monitor
