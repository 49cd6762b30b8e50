// Terminals: the pty pair made inside the container (on its devpts), fd
// passing over unix sockets (SCM_RIGHTS, as runc's --console-socket) and
// window size.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp::runtime::console {

struct Pty {
  UniqueFd master, slave;
};

// Opens /dev/ptmx (the container's devpts) and its slave.
[[nodiscard]] absl::StatusOr<Pty> OpenPty();
// Bind-mounts the pty's slave onto /dev/console (the container's /dev), as
// runc does for terminal containers.
[[nodiscard]] absl::Status MountConsole(int master);
// setsid, the slave as controlling terminal and as fds 0, 1 and 2.
[[nodiscard]] absl::Status UseAsStdio(int slave);
[[nodiscard]] absl::Status SetSize(int fd, unsigned rows, unsigned cols);

[[nodiscard]] absl::Status SendFd(int sock, int fd, const std::string& name);
[[nodiscard]] absl::StatusOr<UniqueFd> ReceiveFd(int sock);

}  // namespace crisp::runtime::console
