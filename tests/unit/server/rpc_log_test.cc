// The one INFO line per RPC: a name or id from the request must not be able
// to start a line of its own in crispd's log.
#include <glog/logging.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/rpc_log.h"

namespace crisp::server {
namespace {

class CaptureSink : public google::LogSink {
 public:
  void send(google::LogSeverity, const char*, const char*, int,
            const google::LogMessageTime&, const char* message,
            size_t length) override {
    absl::MutexLock l(&mu_);
    lines_.emplace_back(message, length);
  }
  std::vector<std::string> lines() {
    absl::MutexLock l(&mu_);
    return lines_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_;
};

TEST(RpcLogTest, ControlCharactersInNamesAndErrorsAreEscaped) {
  CaptureSink sink;
  google::AddLogSink(&sink);
  LogRpc("CreateContainer",
         "web\nE1207 12:00:00.000000 1 fake.cc:1] forged\r\x1b[2K",
         grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad\nname \\n"),
         std::chrono::milliseconds(1));
  google::RemoveLogSink(&sink);
  std::vector<std::string> lines = sink.lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  EXPECT_EQ(line.find_first_of("\n\r\x1b"), std::string::npos) << line;
  EXPECT_NE(line.find("id=web\\nE1207"), std::string::npos) << line;
  EXPECT_NE(line.find("\\r\\x1b[2K"), std::string::npos) << line;
  EXPECT_NE(line.find("error=\"bad\\nname \\\\n\""), std::string::npos) << line;
}

}  // namespace
}  // namespace crisp::server
