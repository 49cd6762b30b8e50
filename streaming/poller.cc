#include "streaming/poller.h"

#include <cerrno>
#include <vector>

#include "common/status.h"

namespace crisp::streaming {

void Poller::Watch(int fd, short events, Callback callback) {
  watched_[fd] = Entry{events, std::move(callback)};
}

void Poller::SetEvents(int fd, short events) {
  auto it = watched_.find(fd);
  if (it != watched_.end()) it->second.events = events;
}

void Poller::Unwatch(int fd) { watched_.erase(fd); }

absl::Status Poller::RunOnce(absl::Duration timeout) {
  std::vector<pollfd> fds;
  for (const auto& [fd, e] : watched_) fds.push_back({fd, e.events, 0});
  int ms = timeout == absl::InfiniteDuration()
               ? -1
               : static_cast<int>(absl::ToInt64Milliseconds(timeout));
  int n = poll(fds.data(), fds.size(), ms < 0 && ms != -1 ? 0 : ms);
  if (n < 0) return errno == EINTR ? absl::OkStatus() : LastErrno("poll");
  for (const pollfd& p : fds) {
    if (p.revents == 0) continue;
    auto it = watched_.find(p.fd);
    if (it == watched_.end()) continue;
    Callback cb = it->second.callback;  // it may unwatch itself
    cb(p.revents);
  }
  return absl::OkStatus();
}

}  // namespace crisp::streaming
