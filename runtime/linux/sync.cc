#include "runtime/linux/sync.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::runtime::sync {

absl::Status Send(int fd, Kind kind, int32_t value) {
  Message m;
  m.kind = kind;
  m.value = value;
  if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m)) {
    return LastErrno("send on sync socket");
  }
  return absl::OkStatus();
}

Message ErrorMessage(absl::string_view step, const absl::Status& status) {
  Message m;
  m.kind = Kind::kError;
  m.code = static_cast<int32_t>(status.code());
  std::memcpy(m.step, step.data(), std::min(step.size(), sizeof(m.step) - 1));
  absl::string_view detail = status.message();
  std::memcpy(m.detail, detail.data(),
              std::min(detail.size(), sizeof(m.detail) - 1));
  return m;
}

absl::Status ErrorStatus(const Message& m, absl::string_view what) {
  // The fields come from another process: never trust their terminators.
  absl::string_view step(m.step, strnlen(m.step, sizeof(m.step)));
  absl::string_view detail(m.detail, strnlen(m.detail, sizeof(m.detail)));
  auto code = static_cast<absl::StatusCode>(m.code);
  if (m.code <= 0 ||
      m.code > static_cast<int32_t>(absl::StatusCode::kUnauthenticated)) {
    code = absl::StatusCode::kInternal;  // an error is never OK
  }
  return absl::Status(code, absl::StrCat(what, ": ", step, ": ", detail));
}

void SendError(int fd, absl::string_view step, const absl::Status& status) {
  Message m = ErrorMessage(step, status);
  (void)!send(fd, &m, sizeof(m), MSG_NOSIGNAL);
}

absl::StatusOr<Message> Receive(int fd, absl::string_view what) {
  Message m;
  ssize_t n;
  do {
    n = recv(fd, &m, sizeof(m), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return LastErrno(absl::StrCat(what, ": read sync socket"));
  if (n == 0) {
    return absl::InternalError(absl::StrCat(what, ": child exited"));
  }
  if (n != sizeof(m)) {
    return absl::InternalError(absl::StrCat(what, ": short sync message"));
  }
  if (m.kind == Kind::kError) return ErrorStatus(m, what);
  return m;
}

}  // namespace crisp::runtime::sync
