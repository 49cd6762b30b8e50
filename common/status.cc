#include "common/status.h"
#include "absl/strings/string_view.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/no_space.h"

namespace crisp {
namespace {

absl::StatusCode CodeForErrno(int err) {
  switch (err) {
    case 0:
      return absl::StatusCode::kOk;
    case ENOENT:
    case ESRCH:
    case ENXIO:
      return absl::StatusCode::kNotFound;
    case EEXIST:
      return absl::StatusCode::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::StatusCode::kPermissionDenied;
    case EINVAL:
    case ENAMETOOLONG:
    case ENOTDIR:
    case EISDIR:
    case ELOOP:
    case E2BIG:
      return absl::StatusCode::kInvalidArgument;
    case EBUSY:
    case ENOTEMPTY:
    case EAGAIN:
      return absl::StatusCode::kFailedPrecondition;
    case ENOSPC:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case EDQUOT:
      return absl::StatusCode::kResourceExhausted;
    case ETIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case ENOSYS:
    case EOPNOTSUPP:
      return absl::StatusCode::kUnimplemented;
    case EINTR:
    case ECONNREFUSED:
    case ECONNRESET:
    case EPIPE:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

// The payload that says "the disk is full", whatever the status's code
// became on the way up: the code alone cannot tell, since ENOMEM and
// EMFILE are ResourceExhausted too.
constexpr char kNoSpacePayload[] = "crisp.dev/no-space";

}  // namespace

absl::Status ErrnoToStatus(int err, absl::string_view what) {
  if (err == 0) return absl::OkStatus();
  absl::Status status(CodeForErrno(err),
                      absl::StrCat(what, ": ", std::strerror(err)));
  if (err == ENOSPC || err == EDQUOT) return MarkNoSpace(std::move(status));
  return status;
}

absl::Status LastErrno(absl::string_view what) {
  return crisp::ErrnoToStatus(errno, what);
}

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  absl::Status out(status.code(),
                   absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload(
      [&out](absl::string_view type, const absl::Cord& payload) {
        out.SetPayload(type, payload);
      });
  return out;
}

absl::Status MarkNoSpace(absl::Status status) {
  if (!status.ok()) status.SetPayload(kNoSpacePayload, absl::Cord("1"));
  return status;
}

bool IsNoSpace(const absl::Status& status) {
  return status.GetPayload(kNoSpacePayload).has_value();
}

}  // namespace crisp
