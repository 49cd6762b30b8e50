#include <thread>

#include "absl/synchronization/notification.h"

#include "gtest/gtest.h"
#include "server/rpc_log.h"

namespace crisp::server {
namespace {

TEST(RpcDrainTest, WaitsForInFlightThenRefusesNewRpcs) {
  absl::Notification started, release;
  grpc::Status slow_status;
  std::thread slow([&] {
    slow_status = LoggedRpc("Slow", "x", [&] {
      started.Notify();
      release.WaitForNotification();
      return grpc::Status::OK;
    });
  });
  started.WaitForNotification();
  // Still in flight: a short drain times out.
  EXPECT_FALSE(DrainRpcs(std::chrono::milliseconds(50)));
  release.Notify();
  slow.join();
  EXPECT_TRUE(slow_status.ok());  // the in-flight RPC finished normally
  EXPECT_TRUE(DrainRpcs(std::chrono::milliseconds(1000)));
  bool ran = false;
  grpc::Status late = LoggedRpc("Late", "", [&] {
    ran = true;
    return grpc::Status::OK;
  });
  EXPECT_FALSE(ran);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace crisp::server
