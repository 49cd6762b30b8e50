// One thread that waits, with epoll, on a file descriptor per container
// (the runtime's HolderFd: a pidfd of its monitor) and reports each
// container once its fd polls readable, i.e. once its exit is recorded. It
// is how crispd learns of an exit when it happens, for the STOPPED event,
// instead of when someone next asks for the container's status.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/unique_fd.h"

namespace crisp::containers {

class ExitWatcher {
 public:
  using OnExit = std::function<void(const std::string& id)>;

  // `on_exit` runs on the watcher's thread, once per watched fd.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ExitWatcher>> Start(
      OnExit on_exit);
  ~ExitWatcher();  // stops and joins the thread; pending fds are closed

  // Watches `fd` for container `id` (replacing an earlier fd of `id`).
  [[nodiscard]] absl::Status Watch(const std::string& id, UniqueFd fd);
  // Stops watching `id` (removed); nothing is reported for it.
  void Forget(const std::string& id);

 private:
  ExitWatcher(UniqueFd epoll, UniqueFd wake, OnExit on_exit);
  void Loop();
  // The id whose fd is `fd`, no longer watched; "" when none.
  std::string Take(int fd);

  UniqueFd epoll_, wake_;
  OnExit on_exit_;
  absl::Mutex mu_;
  std::map<std::string, UniqueFd> fds_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace crisp::containers
