#include "streaming/netns_socket.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>

#include <thread>

#include "common/status.h"

namespace crisp::streaming {
namespace {

absl::StatusOr<UniqueFd> MakeSocket() {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return LastErrno("socket");
  return fd;
}

}  // namespace

absl::StatusOr<UniqueFd> TcpSocketIn(const std::string& netns_path) {
  if (netns_path.empty()) return MakeSocket();
  UniqueFd ns(open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return LastErrno("open network namespace " + netns_path);
  absl::StatusOr<UniqueFd> result = absl::InternalError("not run");
  // The thread ends right after, taking its namespace with it.
  std::thread([&] {
    if (setns(ns.get(), CLONE_NEWNET) != 0) {
      result = LastErrno("enter network namespace " + netns_path);
      return;
    }
    result = MakeSocket();
  }).join();
  return result;
}

}  // namespace crisp::streaming
