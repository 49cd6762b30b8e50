#include "server/cli/flags.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

using Command = CommandLine::Command;

TEST(FlagsTest, ContainerdStyleFlagsBothForms) {
  auto cli =
      ParseCommandLine({"--config", "/c.toml", "--address=unix:///s", "--root",
                        "/r", "--state=/st", "--log-level", "debug"});
  ASSERT_TRUE(cli.ok()) << cli.status();
  EXPECT_EQ(cli->command, Command::kServe);
  EXPECT_EQ(cli->config_path, "/c.toml");
  EXPECT_TRUE(cli->config_path_given);
  EXPECT_EQ(*cli->address, "unix:///s");
  EXPECT_EQ(*cli->root, "/r");
  EXPECT_EQ(*cli->state, "/st");
  EXPECT_EQ(*cli->log_level, "debug");
}

TEST(FlagsTest, Commands) {
  EXPECT_EQ(ParseCommandLine({"config", "default"})->command,
            Command::kPrintDefaultConfig);
  EXPECT_EQ(ParseCommandLine({"--version"})->command, Command::kVersion);
  EXPECT_EQ(ParseCommandLine({"-h"})->command, Command::kHelp);
  EXPECT_EQ(ParseCommandLine({})->config_path, kDefaultConfigPath);
}

TEST(FlagsTest, ErrorsNameTheFlag) {
  auto unknown = ParseCommandLine({"--frobnicate"});
  ASSERT_TRUE(absl::IsInvalidArgument(unknown.status()));
  EXPECT_NE(unknown.status().message().find("--frobnicate"),
            absl::string_view::npos);
  auto missing = ParseCommandLine({"--root"});
  ASSERT_TRUE(absl::IsInvalidArgument(missing.status()));
  EXPECT_NE(missing.status().message().find("--root"), absl::string_view::npos);
  EXPECT_FALSE(ParseCommandLine({"serve", "now"}).ok());
}

TEST(FlagsTest, FlagsOverrideFileAndMissingDefaultFileIsFine) {
  CommandLine cli;
  cli.config_path = "/nonexistent/crisp.toml";
  cli.root = "/elsewhere";
  auto c = ResolveConfig(cli);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->root, "/elsewhere");
  cli.config_path_given = true;
  EXPECT_TRUE(absl::IsNotFound(ResolveConfig(cli).status()));
}

TEST(FlagsTest, OverriddenValuesAreValidated) {
  CommandLine cli;
  cli.config_path = "/nonexistent/crisp.toml";
  cli.log_level = "chatty";
  auto c = ResolveConfig(cli);
  EXPECT_TRUE(absl::IsInvalidArgument(c.status()));
}

}  // namespace
}  // namespace crisp::server
