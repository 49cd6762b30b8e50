// A small poll(2) loop for one session thread: every fd of a session
// (the client's socket, process pipes, the attach socket, forwarded TCP
// connections) is watched here, so a session needs no locks.
#pragma once

#include <poll.h>

#include <functional>
#include <map>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace crisp::streaming {

class Poller {
 public:
  using Callback = std::function<void(short revents)>;

  // Adds `fd`, or changes its events and callback. Events 0 keep it
  // registered but idle (errors and hang-ups are still reported).
  void Watch(int fd, short events, Callback callback);
  void SetEvents(int fd, short events);
  void Unwatch(int fd);
  bool empty() const { return watched_.empty(); }

  // Waits up to `timeout` and runs the callbacks of ready fds (an fd
  // unwatched by an earlier callback of the same round is skipped).
  [[nodiscard]] absl::Status RunOnce(absl::Duration timeout);

 private:
  struct Entry {
    short events = 0;
    Callback callback;
  };
  std::map<int, Entry> watched_;
};

}  // namespace crisp::streaming
