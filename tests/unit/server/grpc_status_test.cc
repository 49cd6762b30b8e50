#include "server/grpc_status.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

TEST(GrpcStatusTest, CodesAndMessagesCarryOver) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  struct Case {
    absl::Status in;
    grpc::StatusCode want;
  } cases[] = {
      {absl::NotFoundError("container x"), grpc::StatusCode::NOT_FOUND},
      {absl::InvalidArgumentError("x"), grpc::StatusCode::INVALID_ARGUMENT},
      {absl::AlreadyExistsError("x"), grpc::StatusCode::ALREADY_EXISTS},
      {absl::FailedPreconditionError("x"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::DeadlineExceededError("x"), grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::UnimplementedError("x"), grpc::StatusCode::UNIMPLEMENTED},
      {absl::UnauthenticatedError("x"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::InternalError("x"), grpc::StatusCode::INTERNAL},
  };
  for (const auto& c : cases) {
    grpc::Status out = ToGrpcStatus(c.in);
    EXPECT_EQ(out.error_code(), c.want) << c.in;
    EXPECT_EQ(out.error_message(), std::string(c.in.message()));
  }
}

TEST(GrpcStatusTest, ACancellationPastTheDeadlineIsDeadlineExceeded) {
  auto deadline = std::chrono::system_clock::now();
  auto before = deadline - std::chrono::milliseconds(1);
  absl::Status cancelled = absl::CancelledError("pull x: the client went away");
  EXPECT_EQ(
      ToGrpcStatusWithDeadline(cancelled, deadline, deadline).error_code(),
      grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(ToGrpcStatusWithDeadline(cancelled, deadline, before).error_code(),
            grpc::StatusCode::CANCELLED);
  EXPECT_EQ(
      ToGrpcStatusWithDeadline(absl::NotFoundError("x"), deadline, deadline)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(
      ToGrpcStatusWithDeadline(absl::OkStatus(), deadline, deadline).ok());
}

}  // namespace
}  // namespace crisp::server
