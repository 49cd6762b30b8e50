#include "common/fd_writer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace crisp {

bool FdWriter::Write(absl::string_view data) {
  if (failed_) return false;
  buffer_.append(data.data(), data.size());
  return fd_ < 0 || Flush();
}

bool FdWriter::Flush() {
  while (!buffer_.empty() && !failed_) {
    // send() where it can, so that a gone peer is EPIPE, not SIGPIPE.
    ssize_t n = send(fd_, buffer_.data(), buffer_.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK)
      n = write(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      buffer_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      break;
    } else {
      failed_ = true;
      buffer_.clear();
    }
  }
  return !failed_;
}

}  // namespace crisp
