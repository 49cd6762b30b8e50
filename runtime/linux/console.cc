#include "runtime/linux/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::runtime::console {

absl::StatusOr<Pty> OpenPty() {
  Pty pty;
  pty.master.Reset(open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.master) return LastErrno("open /dev/ptmx");
  int unlock = 0;
  if (ioctl(pty.master.get(), TIOCSPTLCK, &unlock) != 0) {
    return LastErrno("unlock pty");
  }
  int fd = ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (fd < 0) return LastErrno("open pty peer");
  pty.slave.Reset(fd);
  return pty;
}

absl::Status MountConsole(int master) {
  unsigned int n = 0;
  if (ioctl(master, TIOCGPTN, &n) != 0) return LastErrno("TIOCGPTN");
  std::string slave = absl::StrCat("/dev/pts/", n);
  UniqueFd console(
      open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!console) return LastErrno("create /dev/console");
  if (mount(slave.c_str(), "/dev/console", "", MS_BIND, nullptr) != 0) {
    return LastErrno(absl::StrCat("bind ", slave, " on /dev/console"));
  }
  return absl::OkStatus();
}

absl::Status UseAsStdio(int slave) {
  if (setsid() < 0 && errno != EPERM) return LastErrno("setsid");
  if (ioctl(slave, TIOCSCTTY, 0) != 0) return LastErrno("TIOCSCTTY");
  for (int target = 0; target < 3; ++target) {
    if (dup2(slave, target) < 0) return LastErrno("dup2 pty slave");
  }
  return absl::OkStatus();
}

absl::Status SetSize(int fd, unsigned rows, unsigned cols) {
  struct winsize ws = {};
  ws.ws_row = static_cast<unsigned short>(rows);
  ws.ws_col = static_cast<unsigned short>(cols);
  if (ioctl(fd, TIOCSWINSZ, &ws) != 0) return LastErrno("TIOCSWINSZ");
  return absl::OkStatus();
}

absl::Status SendFd(int sock, int fd, const std::string& name) {
  char control[CMSG_SPACE(sizeof(int))] = {};
  struct iovec iov = {const_cast<char*>(name.data()), name.size()};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) return LastErrno("send fd");
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> ReceiveFd(int sock) {
  char control[CMSG_SPACE(sizeof(int))] = {};
  char buf[256];
  struct iovec iov = {buf, sizeof(buf)};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0) return LastErrno("recv fd");
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) {
    return absl::InternalError("recv fd: message carries no fd");
  }
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

}  // namespace crisp::runtime::console
