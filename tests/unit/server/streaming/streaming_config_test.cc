// The [streaming] section of crispd's config: read, checked, dumped.
#include "gtest/gtest.h"
#include "server/config/config.h"

namespace crisp::server {
namespace {

TEST(StreamingConfigTest, DefaultsToAnEphemeralLoopbackPort) {
  auto c = ParseConfig(DefaultConfigToml(), "default");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->streaming.address, "127.0.0.1");
  EXPECT_EQ(c->streaming.port, 0);
  EXPECT_EQ(ConfigToJson(*c)["streaming"]["port"], 0);
}

TEST(StreamingConfigTest, ReadsAddressAndPort) {
  auto c = ParseConfig("[streaming]\naddress = \"::1\"\nport = 10010\n", "t");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->streaming.address, "::1");
  EXPECT_EQ(c->streaming.port, 10010);
  EXPECT_TRUE(ValidateConfig(*c).ok());
}

TEST(StreamingConfigTest, BadValuesNameTheKey) {
  auto host = ParseConfig("[streaming]\naddress = \"localhost\"\n", "t");
  ASSERT_TRUE(host.ok());
  EXPECT_NE(ValidateConfig(*host).message().find("streaming.address"),
            std::string::npos);
  auto port = ParseConfig("[streaming]\nport = 70000\n", "t");
  ASSERT_TRUE(port.ok());
  EXPECT_NE(ValidateConfig(*port).message().find("streaming.port"),
            std::string::npos);
  EXPECT_NE(ParseConfig("[streaming]\nhost = \"x\"\n", "t")
                .status()
                .message()
                .find("streaming.host: unknown key"),
            std::string::npos);
}

}  // namespace
}  // namespace crisp::server
