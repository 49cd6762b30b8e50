#include "server/config/config.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace crisp::server {
namespace {

TEST(ConfigTest, DefaultTomlParsesToDefaults) {
  auto c = ParseConfig(DefaultConfigToml(), "default");
  ASSERT_TRUE(c.ok()) << c.status();
  Config d;
  EXPECT_EQ(c->address, d.address);
  EXPECT_EQ(c->root, "/var/lib/crisp");
  EXPECT_EQ(c->state, "/run/crisp");
  EXPECT_EQ(c->cni.bin_dirs, d.cni.bin_dirs);
  EXPECT_EQ(c->image.max_concurrent_downloads, 3);
  EXPECT_EQ(c->image.max_layer_bytes, d.image.max_layer_bytes);
  EXPECT_EQ(c->image.max_layer_entries, d.image.max_layer_entries);
  EXPECT_EQ(c->image.max_layer_directories, d.image.max_layer_directories);
  EXPECT_EQ(c->image.low_speed_bytes_per_second,
            d.image.low_speed_bytes_per_second);
  EXPECT_EQ(c->image.low_speed_time_seconds, d.image.low_speed_time_seconds);
  EXPECT_TRUE(ValidateConfig(*c).ok());
}

TEST(ConfigTest, DefaultTomlCommentsEveryKey) {
  // Every key line is preceded by a comment line (or is itself an example).
  std::string text = DefaultConfigToml();
  size_t pos = 0, keys = 0;
  std::string prev;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#' && line[0] != '[') {
      ++keys;
      EXPECT_EQ(prev.rfind('#', 0), 0u) << "uncommented key: " << line;
    }
    prev = line;
    pos = end + 1;
  }
  EXPECT_GE(keys, 8u);
}

TEST(ConfigTest, ReadsEverySection) {
  auto c = ParseConfig(R"(
address = "unix:///tmp/x.sock"
log_level = "debug"
[runtime]
cgroup_driver = "cgroupfs"
[cni]
conf_dir = "/etc/net"
bin_dirs = ["/a", "/b"]
[image]
max_concurrent_downloads = 5
[registries."docker.io"]
mirrors = ["http://localhost:5000"]
[registries."localhost:5443"]
ca_file = "/ca.pem"
insecure_skip_verify = true
)",
                       "t");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->address, "unix:///tmp/x.sock");
  EXPECT_EQ(c->cni.bin_dirs, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(c->image.max_concurrent_downloads, 5);
  EXPECT_EQ(c->registries.at("docker.io").mirrors[0], "http://localhost:5000");
  EXPECT_TRUE(c->registries.at("localhost:5443").insecure_skip_verify);
  EXPECT_EQ(c->registries.at("localhost:5443").ca_file, "/ca.pem");
}

void ExpectError(const std::string& toml, const std::string& key) {
  auto c = ParseConfig(toml, "t");
  absl::Status s = c.ok() ? ValidateConfig(*c) : c.status();
  ASSERT_TRUE(absl::IsInvalidArgument(s)) << toml << " → " << s;
  EXPECT_NE(s.message().find(key), absl::string_view::npos)
      << "error should name " << key << ": " << s.message();
}

TEST(ConfigTest, UnknownKeysAndBadValuesNameTheKey) {
  ExpectError("bogus = 1", "bogus");
  ExpectError("[cni]\nconfdir = \"/x\"", "cni.confdir");
  ExpectError("[registries.\"a\"]\nmirror = []", "registries.\"a\".mirror");
  ExpectError("root = 5", "root");
  ExpectError("[cni]\nbin_dirs = [1]", "cni.bin_dirs");
  ExpectError("[image]\nmax_concurrent_downloads = \"3\"",
              "image.max_concurrent_downloads");
  ExpectError("[image]\nmax_concurrent_downloads = 0",
              "image.max_concurrent_downloads");
  ExpectError("root = \"relative\"", "root");
  ExpectError("address = \"tcp://1.2.3.4:1\"", "address");
  ExpectError("log_level = \"loud\"", "log_level");
  ExpectError("[runtime]\ncgroup_driver = \"systemd\"",
              "runtime.cgroup_driver");
  ExpectError("[registries.\"a\"]\nmirrors = [\"localhost:5000\"]",
              "registries.\"a\".mirrors");
  ExpectError("runtime = 3", "runtime");
}

// A 64-bit TOML integer used to wrap into an int: 2^32 became port 0.
TEST(ConfigTest, IntegersOutOfRangeNameTheKeyInsteadOfWrapping) {
  for (const char* big :
       {"4294967296", "4294967297", "-4294967296", "9223372036854775807"}) {
    ExpectError(absl::StrCat("[streaming]\nport = ", big), "streaming.port");
    ExpectError(absl::StrCat("shutdown_timeout_seconds = ", big),
                "shutdown_timeout_seconds");
    ExpectError(absl::StrCat("[image]\nmax_concurrent_downloads = ", big),
                "image.max_concurrent_downloads");
    ExpectError(absl::StrCat("[image]\nstall_timeout_seconds = ", big),
                "image.stall_timeout_seconds");
  }
}

// Found by the config fuzzer in CI: a float where an integer belongs was
// converted by toml++ (undefined behaviour for 1e110 as a long) instead of
// being refused as the wrong type.
TEST(ConfigTest, FloatsWhereIntegersBelongAreTheWrongType) {
  for (const char* f : {"3.3e109", "10.0", "-1e300", "inf", "nan"}) {
    ExpectError(absl::StrCat("[streaming]\nport = ", f), "streaming.port");
    ExpectError(absl::StrCat("[image]\nmax_layer_bytes = ", f),
                "image.max_layer_bytes");
  }
  ExpectError("[image]\nmax_layer_bytes = true", "image.max_layer_bytes");
}

// Security audit L8/L9: the layer caps and the minimum transfer rate are
// read from [image]; negative caps are refused naming the key.
TEST(ConfigTest, LayerCapsAndMinimumRateAreRead) {
  auto c = ParseConfig(
      "[image]\nmax_layer_bytes = 1048576\nmax_layer_entries = 0\n"
      "max_layer_directories = 7\nlow_speed_bytes_per_second = 10\n"
      "low_speed_time_seconds = 5\n",
      "t");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->image.max_layer_bytes, 1048576u);
  EXPECT_EQ(c->image.max_layer_entries, 0u);
  EXPECT_EQ(c->image.max_layer_directories, 7u);
  EXPECT_EQ(c->image.low_speed_bytes_per_second, 10);
  EXPECT_EQ(c->image.low_speed_time_seconds, 5);
  ExpectError("[image]\nmax_layer_bytes = -1", "image.max_layer_bytes");
  ExpectError("[image]\nlow_speed_time_seconds = 0",
              "image.low_speed_time_seconds");
}

TEST(ConfigTest, SyntaxErrorsGiveLine) {
  auto c = ParseConfig("a = \n", "my.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("my.toml:1"), absl::string_view::npos)
      << c.status();
}

TEST(ConfigTest, JsonHasEffectiveValues) {
  Config c;
  c.registries["docker.io"].mirrors = {"http://localhost:5000"};
  auto j = ConfigToJson(c);
  EXPECT_EQ(j["root"], "/var/lib/crisp");
  EXPECT_EQ(j["registries"]["docker.io"]["mirrors"][0],
            "http://localhost:5000");
  EXPECT_EQ(j["runtime"]["cgroup_driver"], "cgroupfs");
}

}  // namespace
}  // namespace crisp::server
