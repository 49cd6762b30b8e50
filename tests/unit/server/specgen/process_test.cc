// Stop signals, and the process: args, env, cwd.
#include "server/specgen/process.h"

#include <csignal>

#include "gtest/gtest.h"
#include "server/specgen/container_spec.h"
#include "server/specgen/signal.h"

namespace crisp::server::specgen {
namespace {

using ::crisp::image::ImageConfig;
using Strings = std::vector<std::string>;

TEST(SignalTest, NamesAndNumbers) {
  EXPECT_EQ(*SignalNumber("SIGTERM"), SIGTERM);
  EXPECT_EQ(*SignalNumber("term"), SIGTERM);
  EXPECT_EQ(*SignalNumber("9"), 9);
  EXPECT_EQ(*SignalNumber("SIGRTMIN+3"), 37);
  EXPECT_EQ(*SignalNumber("RTMAX-1"), 63);
  EXPECT_EQ(*SignalNumber("SIGWINCH"), SIGWINCH);
  for (const char* bad : {"SIGFOO", "0", "65", "RTMIN+40", "", "-1"}) {
    EXPECT_EQ(SignalNumber(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

ImageConfig WithStopSignal(const std::string& name) {
  ImageConfig image;
  image.stop_signal = name;
  return image;
}

TEST(SignalTest, StopSignalOfTheImage) {
  EXPECT_EQ(*StopSignal(ImageConfig{}), SIGTERM);
  EXPECT_EQ(*StopSignal(WithStopSignal("SIGQUIT")), SIGQUIT);
  EXPECT_EQ(*StopSignal(WithStopSignal("2")), SIGINT);
  auto bad = StopSignal(WithStopSignal("SIGNOPE"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("SIGNOPE"), std::string::npos);
  EXPECT_NE(bad.status().message().find("StopSignal"), std::string::npos);
}

struct ArgsCase {
  Strings entrypoint, cmd, command, args, want;
};

TEST(ProcessArgsTest, KubernetesMergingRules) {
  const ArgsCase cases[] = {
      // Image only.
      {{"/ep"}, {"c1", "c2"}, {}, {}, {"/ep", "c1", "c2"}},
      {{}, {"/bin/sh"}, {}, {}, {"/bin/sh"}},
      {{"/ep"}, {}, {}, {}, {"/ep"}},
      // args replace Cmd, keep Entrypoint.
      {{"/ep"}, {"c1"}, {}, {"a1"}, {"/ep", "a1"}},
      {{}, {"c1"}, {}, {"a1", "a2"}, {"a1", "a2"}},
      // command replaces Entrypoint and drops Cmd.
      {{"/ep"}, {"c1"}, {"/cmd"}, {}, {"/cmd"}},
      {{"/ep"}, {"c1"}, {"/cmd"}, {"a1"}, {"/cmd", "a1"}},
      // An Entrypoint of [""] means none.
      {{""}, {"c1"}, {}, {}, {"c1"}},
  };
  for (const ArgsCase& c : cases) {
    ImageConfig image;
    image.entrypoint = c.entrypoint;
    image.cmd = c.cmd;
    v1::ContainerConfig config;
    for (const auto& s : c.command) config.add_command(s);
    for (const auto& s : c.args) config.add_args(s);
    auto got = ProcessArgs(config, image);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ProcessArgsTest, NothingToRunIsInvalid) {
  v1::ContainerConfig config;
  config.mutable_metadata()->set_name("app");
  auto got = ProcessArgs(config, ImageConfig{});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("app"), std::string::npos);
  ImageConfig reset;
  reset.entrypoint = {""};
  EXPECT_FALSE(ProcessArgs(config, reset).ok());
}

TEST(ProcessEnvTest, RequestOverridesImageInPlace) {
  ImageConfig image;
  image.env = {"PATH=/image/bin", "A=image", "B=image"};
  v1::ContainerConfig config;
  auto* kv = config.add_envs();
  kv->set_key("A");
  kv->set_value("request");
  kv = config.add_envs();
  kv->set_key("C");
  kv->set_value("x=y");
  EXPECT_EQ(ProcessEnv(config, image, "web-0"),
            (Strings{"PATH=/image/bin", "HOSTNAME=web-0", "A=request",
                     "B=image", "C=x=y"}));
}

TEST(ProcessEnvTest, DefaultPathAndUnset) {
  ImageConfig image;
  image.env = {"A=1", "A"};  // a bare key unsets it
  v1::ContainerConfig config;
  EXPECT_EQ(ProcessEnv(config, image, "h"),
            (Strings{kDefaultPath, "HOSTNAME=h"}));
}

TEST(ProcessCwdTest, RequestThenImageThenRoot) {
  v1::ContainerConfig config;
  ImageConfig image;
  EXPECT_EQ(*ProcessCwd(config, image), "/");
  image.working_dir = "/srv";
  EXPECT_EQ(*ProcessCwd(config, image), "/srv");
  image.working_dir = "app";
  EXPECT_EQ(*ProcessCwd(config, image), "/app");
  config.set_working_dir("/work");
  EXPECT_EQ(*ProcessCwd(config, image), "/work");
  config.set_working_dir("rel");
  EXPECT_EQ(ProcessCwd(config, image).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crisp::server::specgen
