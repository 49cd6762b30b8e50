// Writes to a non-blocking fd (a process's stdin, a pty, an attach socket,
// a forwarded TCP connection) without ever blocking the caller's thread:
// what the fd does not take now is kept until it is writable again (the
// caller watches POLLOUT while pending()). Used by crispd's streaming
// sessions and by crisp-monitor's attach clients and stdin.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace crisp {

class FdWriter {
 public:
  explicit FdWriter(int fd = -1) : fd_(fd) {}
  void set_fd(int fd) { fd_ = fd; }

  // Queues `data` and writes what fits (nothing before set_fd); false once
  // a write failed.
  bool Write(absl::string_view data);
  // Writes more of the queue (on POLLOUT); false once a write failed.
  bool Flush();
  bool pending() const { return !buffer_.empty(); }
  size_t buffered() const { return buffer_.size(); }
  bool failed() const { return failed_; }

 private:
  int fd_;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace crisp
