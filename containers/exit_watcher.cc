#include "containers/exit_watcher.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "common/status.h"
#include "glog/logging.h"

namespace crisp::containers {
namespace {

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExitWatcher>> ExitWatcher::Start(
    OnExit on_exit) {
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return LastErrno("exit watcher: epoll_create1");
  UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return LastErrno("exit watcher: eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake.get();
  if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0) {
    return LastErrno("exit watcher: watch its wake-up fd");
  }
  std::unique_ptr<ExitWatcher> w(
      new ExitWatcher(std::move(epoll), std::move(wake), std::move(on_exit)));
  w->thread_ = std::thread([p = w.get()] { p->Loop(); });
  return w;
}

ExitWatcher::ExitWatcher(UniqueFd epoll, UniqueFd wake, OnExit on_exit)
    : epoll_(std::move(epoll)),
      wake_(std::move(wake)),
      on_exit_(std::move(on_exit)) {}

ExitWatcher::~ExitWatcher() {
  uint64_t one = 1;
  (void)!write(wake_.get(), &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
}

absl::Status ExitWatcher::Watch(const std::string& id, UniqueFd fd) {
  absl::MutexLock l(&mu_);
  auto old = fds_.find(id);
  if (old != fds_.end()) {
    (void)epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, old->second.get(), nullptr);
    fds_.erase(old);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd.get();
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ev) != 0) {
    return LastErrno("exit watcher: watch container " + id);
  }
  fds_.emplace(id, std::move(fd));
  return absl::OkStatus();
}

void ExitWatcher::Forget(const std::string& id) {
  absl::MutexLock l(&mu_);
  auto it = fds_.find(id);
  if (it == fds_.end()) return;
  (void)epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.get(), nullptr);
  fds_.erase(it);
}

// An fd number reported readable may have been forgotten and reused for
// another container meanwhile: only one that is readable now counts.
std::string ExitWatcher::Take(int fd) {
  absl::MutexLock l(&mu_);
  for (auto it = fds_.begin(); it != fds_.end(); ++it) {
    if (it->second.get() != fd) continue;
    if (!Readable(fd)) return "";
    std::string id = it->first;
    (void)epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    fds_.erase(it);
    return id;
  }
  return "";
}

void ExitWatcher::Loop() {
  epoll_event events[16];
  for (;;) {
    int n = epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      PLOG(ERROR) << "exit watcher: epoll_wait; container exits are no "
                     "longer reported";
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == wake_.get()) return;
      std::string id = Take(events[i].data.fd);
      if (!id.empty()) on_exit_(id);
    }
  }
}

}  // namespace crisp::containers
