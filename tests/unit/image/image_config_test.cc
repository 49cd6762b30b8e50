// The image config blob, parsed once at pull into image::ImageConfig.
#include "image/image_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::image {
namespace {

using ::testing::HasSubstr;
using Strings = std::vector<std::string>;

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kRootfs =
    R"("rootfs":{"type":"layers","diff_ids":[")" + kA + R"("]})";

absl::StatusOr<ImageConfig> Parse(const std::string& config) {
  return ParseImageConfig(R"({"architecture":"amd64",)" + config + "," +
                          kRootfs + "}");
}

TEST(ImageConfigTest, ReadsEveryField) {
  auto c = Parse(R"("config":{
      "User":"www","Env":["A=1","B"],"Entrypoint":["/e"],"Cmd":["c","d"],
      "WorkingDir":"/w","StopSignal":"SIGQUIT",
      "Volumes":{"/data":{},"/cache":{}},"ExposedPorts":{"80/tcp":{}},
      "Labels":{"x":"y","a":"b"}})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->user, "www");
  EXPECT_EQ(c->env, (Strings{"A=1", "B"}));
  EXPECT_EQ(c->entrypoint, Strings{"/e"});
  EXPECT_EQ(c->cmd, (Strings{"c", "d"}));
  EXPECT_EQ(c->working_dir, "/w");
  EXPECT_EQ(c->stop_signal, "SIGQUIT");
  EXPECT_EQ(c->volumes, (Strings{"/cache", "/data"}));
  EXPECT_EQ(c->exposed_ports, Strings{"80/tcp"});
  EXPECT_EQ(c->labels,
            (std::map<std::string, std::string>{{"a", "b"}, {"x", "y"}}));
  EXPECT_EQ(c->diff_ids, Strings{kA});
}

TEST(ImageConfigTest, NullsAndAbsentFieldsAreEmpty) {
  auto none = ParseImageConfig("{" + kRootfs + "}");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->user.empty());
  EXPECT_TRUE(none->cmd.empty());
  auto nulls = Parse(R"("config":{"Env":null,"Cmd":null,"User":null,
      "Volumes":null,"Labels":null})");
  ASSERT_TRUE(nulls.ok()) << nulls.status();
  EXPECT_TRUE(nulls->env.empty());
  EXPECT_TRUE(nulls->volumes.empty());
  EXPECT_TRUE(nulls->labels.empty());
  EXPECT_TRUE(Parse(R"("config":null)").ok());
}

TEST(ImageConfigTest, DiffIdsAreRequiredAndChecked) {
  auto missing = ParseImageConfig(R"({"config":{}})");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("image config: rootfs.diff_ids: missing"));
  EXPECT_FALSE(ParseImageConfig(R"({"rootfs":{"diff_ids":["x"]}})").ok());
  auto null_id = ParseImageConfig(R"({"rootfs":{"diff_ids":[null]}})");
  EXPECT_THAT(null_id.status().message(),
              HasSubstr("image config diff_id: expected a string, got null"));
}

// Security audit H1: a field of the wrong type is InvalidArgument naming
// the field, never a nlohmann type_error escaping.
TEST(ImageConfigTest, AWronglyTypedFieldIsNamed) {
  EXPECT_EQ(ParseImageConfig("{not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::pair<const char*, const char*> cases[] = {
      {R"("config":[])", "image config: config: expected an object, got array"},
      {R"("config":{"User":0})",
       "image config: config: User: expected a string, got number"},
      {R"("config":{"Env":"A=1"})",
       "image config: config: Env: expected an array of strings, got string"},
      {R"("config":{"Cmd":[1]})",
       "image config: config: Cmd[0]: expected a string, got number"},
      {R"("config":{"Entrypoint":{}})",
       "config: Entrypoint: expected an array"},
      {R"("config":{"WorkingDir":true})",
       "config: WorkingDir: expected a string"},
      {R"("config":{"StopSignal":9})", "config: StopSignal: expected a string"},
      {R"("config":{"Volumes":["/data"]})",
       "config: Volumes: expected an object"},
      {R"("config":{"ExposedPorts":"80"})",
       "config: ExposedPorts: expected an object"},
      {R"("config":{"Labels":{"a":1}})",
       "config: Labels.a: expected a string, got number"},
  };
  for (const auto& [config, message] : cases) {
    auto c = Parse(config);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << config;
    EXPECT_THAT(c.status().message(), HasSubstr(message)) << config;
  }
}

}  // namespace
}  // namespace crisp::image
