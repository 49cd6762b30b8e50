#include "server/rpc_log.h"

#include <exception>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "glog/logging.h"
#include "server/log_escape.h"

namespace crisp::server {
namespace {

absl::string_view CodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {"OK",
                                                 "Cancelled",
                                                 "Unknown",
                                                 "InvalidArgument",
                                                 "DeadlineExceeded",
                                                 "NotFound",
                                                 "AlreadyExists",
                                                 "PermissionDenied",
                                                 "ResourceExhausted",
                                                 "FailedPrecondition",
                                                 "Aborted",
                                                 "OutOfRange",
                                                 "Unimplemented",
                                                 "Internal",
                                                 "Unavailable",
                                                 "DataLoss",
                                                 "Unauthenticated"};
  auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "Unknown";
}

absl::Mutex g_mu;
int g_in_flight ABSL_GUARDED_BY(g_mu) = 0;
bool g_draining ABSL_GUARDED_BY(g_mu) = false;

}  // namespace

bool BeginRpc() {
  absl::MutexLock lock(&g_mu);
  if (g_draining) return false;
  ++g_in_flight;
  return true;
}

void EndRpc() {
  absl::MutexLock lock(&g_mu);
  --g_in_flight;
}

bool DrainRpcs(std::chrono::milliseconds timeout) {
  absl::MutexLock lock(&g_mu);
  g_draining = true;
  auto idle = [] {
    g_mu.AssertHeld();
    return g_in_flight == 0;
  };
  return g_mu.AwaitWithTimeout(absl::Condition(&idle),
                               absl::FromChrono(timeout));
}

grpc::Status ExceptionToGrpcStatus(absl::string_view method) {
  std::string what;
  try {
    throw;
  } catch (const std::exception& e) {
    what = absl::StrCat(": ", e.what());
  } catch (...) {
    what = " of unknown type";
  }
  return grpc::Status(grpc::StatusCode::INTERNAL,
                      absl::StrCat(method, ": unexpected exception", what));
}

void LogRpc(absl::string_view method, absl::string_view id,
            const grpc::Status& status, std::chrono::nanoseconds duration) {
  double ms = std::chrono::duration<double, std::milli>(duration).count();
  std::string line =
      absl::StrFormat("rpc=%s id=%s code=%s duration=%.3fms", method,
                      id.empty() ? "-" : id, CodeName(status.error_code()), ms);
  if (!status.ok())
    absl::StrAppend(&line, " error=\"", status.error_message(), "\"");
  LOG(INFO) << EscapeForLog(line);
}

}  // namespace crisp::server
