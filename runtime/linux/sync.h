// The parent ⇄ child channel of a create or exec (a SOCK_SEQPACKET pair):
// the parent says "go" once uid maps and cgroups are in place; the child
// answers "ready", or an error naming the step and carrying the status.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crisp::runtime::sync {

enum class Kind : uint32_t {
  kGo = 1,
  kReady = 2,
  kError = 3,
  kPty = 4,
  kPid = 5
};

struct Message {
  Kind kind = Kind::kGo;
  int32_t code = 0;   // absl::StatusCode of an error
  int32_t value = 0;  // a pid for kPid
  char step[48] = {};
  char detail[400] = {};
};

[[nodiscard]] absl::Status Send(int fd, Kind kind, int32_t value = 0);
// The kError message of a failed step (also what the init writes into the
// exec fifo when it fails after Start).
Message ErrorMessage(absl::string_view step, const absl::Status& status);
// A kError message as a status: "<what>: <step>: <detail>".
absl::Status ErrorStatus(const Message& m, absl::string_view what);
// Best effort: the child is about to _exit anyway.
void SendError(int fd, absl::string_view step, const absl::Status& status);
// Waits for one message; an error message becomes its status ("<step>:
// <detail>"), EOF becomes Internal("<what>: child exited").
[[nodiscard]] absl::StatusOr<Message> Receive(int fd, absl::string_view what);

}  // namespace crisp::runtime::sync
