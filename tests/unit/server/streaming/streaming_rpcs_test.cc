// Exec, Attach and PortForward refuse bad requests before looking at any
// container or pod (none is served here).
#include "gtest/gtest.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

class StreamingRpcsTest : public ::testing::Test {
 protected:
  grpc::StatusCode Exec(const v1::ExecRequest& req) {
    v1::ExecResponse resp;
    return service_.Exec(&ctx_, &req, &resp).error_code();
  }

  Config config_;
  RuntimeService service_{{&config_}};
  grpc::ServerContext ctx_;
};

TEST_F(StreamingRpcsTest, ExecNeedsACommandAndSomeStdio) {
  v1::ExecRequest req;
  req.set_container_id("c1");
  req.set_stdout(true);
  EXPECT_EQ(Exec(req), grpc::StatusCode::INVALID_ARGUMENT) << "no cmd";
  req.add_cmd("ls");
  req.set_stdout(false);
  EXPECT_EQ(Exec(req), grpc::StatusCode::INVALID_ARGUMENT) << "no stdio";
  req.set_tty(true);
  req.set_stderr(true);
  EXPECT_EQ(Exec(req), grpc::StatusCode::INVALID_ARGUMENT) << "tty+stderr";
  req.set_stderr(false);
  req.set_stdout(true);
  EXPECT_EQ(Exec(req), grpc::StatusCode::UNAVAILABLE) << "no containers";
}

TEST_F(StreamingRpcsTest, AttachAndPortForwardNeedTheirServices) {
  v1::AttachRequest attach;
  attach.set_stdout(true);
  v1::AttachResponse attached;
  EXPECT_EQ(service_.Attach(&ctx_, &attach, &attached).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  v1::PortForwardRequest forward;
  v1::PortForwardResponse forwarded;
  EXPECT_EQ(service_.PortForward(&ctx_, &forward, &forwarded).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace crisp::server
