// server/rpc_log.h's LoggedRpc when a body throws (security audit H1: an
// exception from registry JSON escaped PullImage). Draining is process-wide
// and one-way, so this is a binary of its own.
#include <stdexcept>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/rpc_log.h"

namespace crisp::server {
namespace {

using ::testing::HasSubstr;

TEST(LoggedRpcTest, AThrowingBodyIsInternalAndStillEndsTheRpc) {
  grpc::Status s(grpc::StatusCode::OK, "");
  try {
    s = LoggedRpc("PullImage", "x", []() -> grpc::Status {
      throw std::runtime_error("type_error.302");
    });
  } catch (const std::exception& e) {
    ADD_FAILURE() << "LoggedRpc let through: " << e.what();
  }
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(s.error_message(), HasSubstr("PullImage"));
  EXPECT_THAT(s.error_message(), HasSubstr("type_error.302"));
  // Nothing is left counted in flight, so a drain finishes at once.
  EXPECT_TRUE(DrainRpcs(std::chrono::milliseconds(100)));
}

}  // namespace
}  // namespace crisp::server
