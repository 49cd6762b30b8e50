#include "common/unix_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp {
namespace {

// The address of `path`; a long one goes through its directory's fd, which
// `dir` keeps open until the bind or connect is done.
absl::StatusOr<sockaddr_un> Address(const std::string& path, UniqueFd& dir) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::string name = path;
  if (name.size() >= sizeof(addr.sun_path)) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
      return absl::InvalidArgumentError("socket path too long: " + path);
    }
    std::string parent = slash == 0 ? "/" : path.substr(0, slash);
    dir.Reset(open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return LastErrno("open socket dir " + parent);
    name = absl::StrCat("/proc/self/fd/", dir.get(), path.substr(slash));
    if (name.size() >= sizeof(addr.sun_path)) {
      return absl::InvalidArgumentError("socket name too long: " + path);
    }
  }
  std::memcpy(addr.sun_path, name.c_str(), name.size());
  return addr;
}

}  // namespace

absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, int flags,
                                    mode_t mode) {
  UniqueFd dir;
  ASSIGN_OR_RETURN(sockaddr_un addr, Address(path, dir));
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0));
  if (!fd) return LastErrno("socket");
  unlink(path.c_str());
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return LastErrno(absl::StrCat("bind ", path));
  }
  if (chmod(path.c_str(), mode) != 0) return LastErrno("chmod " + path);
  if (listen(fd.get(), 16) != 0) return LastErrno("listen " + path);
  return fd;
}

absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path) {
  UniqueFd dir;
  ASSIGN_OR_RETURN(sockaddr_un addr, Address(path, dir));
  UniqueFd sock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock) return LastErrno("socket");
  if (connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr))) {
    return LastErrno(absl::StrCat("connect ", path));
  }
  return sock;
}

}  // namespace crisp
