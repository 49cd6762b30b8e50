// The streaming server's HTTP request head (streaming/http_upgrade.*,
// Boost.Beast underneath): the input arrives on a socket whose peer then
// hangs up, as a client that sends it and closes would.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/time/time.h"
#include "streaming/http_upgrade.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The socket buffer must hold the whole input: the reader runs after it.
  if (size > 60 * 1024) return -1;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::abort();
  }
  int buf = 256 * 1024;
  setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
  setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
  if (size > 0 &&
      send(fds[0], data, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  close(fds[0]);
  (void)crisp::streaming::ReadHttpRequest(fds[1], absl::Seconds(2));
  close(fds[1]);
  return 0;
}
