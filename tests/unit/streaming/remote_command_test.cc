// The remote command protocol's data: negotiation, the status on the error
// stream (as client-go decodes it), terminal size messages.
#include "streaming/remote_command.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace crisp::streaming {
namespace {

TEST(RemoteCommandTest, NegotiationTakesTheClientsFirstKnownProtocol) {
  EXPECT_EQ(NegotiateProtocol({"v9.x", kRemoteCommandV4, kRemoteCommandV3},
                              RemoteCommandProtocols()),
            kRemoteCommandV4);
  EXPECT_EQ(NegotiateProtocol({"v9.x"}, RemoteCommandProtocols()), "");
  EXPECT_EQ(NegotiateProtocol({kPortForwardV1}, PortForwardProtocols()),
            kPortForwardV1);
}

TEST(RemoteCommandTest, V4StatusCarriesTheExitCode) {
  auto j = nlohmann::json::parse(
      StatusMessage(kRemoteCommandV4, CommandResult{absl::OkStatus(), 3}));
  EXPECT_EQ(j["status"], "Failure");
  EXPECT_EQ(j["reason"], "NonZeroExitCode");
  EXPECT_EQ(j["details"]["causes"][0]["reason"], "ExitCode");
  EXPECT_EQ(j["details"]["causes"][0]["message"], "3");
  EXPECT_EQ(
      nlohmann::json::parse(StatusMessage(kRemoteCommandV4, {}))["status"],
      "Success");
  auto err = nlohmann::json::parse(StatusMessage(
      kRemoteCommandV5, {absl::NotFoundError("no such container")}));
  EXPECT_EQ(err["reason"], "InternalError");
  EXPECT_EQ(err["code"], 500);
}

TEST(RemoteCommandTest, OlderVersionsWriteTextAndNothingOnSuccess) {
  EXPECT_EQ(StatusMessage(kRemoteCommandV2, {}), "");
  EXPECT_NE(StatusMessage(kRemoteCommandV3, {absl::OkStatus(), 2}).find("2"),
            std::string::npos);
  EXPECT_TRUE(SupportsResize(kRemoteCommandV3));
  EXPECT_FALSE(SupportsResize(kRemoteCommandV2));
}

TEST(RemoteCommandTest, ResizeMessagesSplitAnywhere) {
  ResizeDecoder d;
  EXPECT_TRUE(d.Append("{\"Width\":80,").empty());
  auto sizes = d.Append("\"Height\":24}\n{\"Width\":100,\"Height\":40}\n");
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0].width, 80);
  EXPECT_EQ(sizes[0].height, 24);
  EXPECT_EQ(sizes[1].width, 100);
  EXPECT_EQ(d.Append("{\"Width\":-1}").at(0).width, 0);
}

}  // namespace
}  // namespace crisp::streaming
