// crispd's AppArmor start-up (audit M9) with the host faked: what is
// loaded where, what a failed load leaves, and the real loader run against
// a stand-in for apparmor_parser.
#include "server/daemon/apparmor_setup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/files.h"
#include "gmock/gmock.h"
#include "server/specgen/apparmor_default.h"

namespace crisp::server {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct FakeHost {
  bool enabled = false;
  absl::Status load_result = absl::OkStatus();
  std::vector<std::string> loaded_policies;

  AppArmorSystem System() {
    AppArmorSystem s;
    s.enabled = [this] { return enabled; };
    s.load = [this](const std::string& policy) {
      loaded_policies.push_back(policy);
      return load_result;
    };
    s.loaded = [](const std::string& name) -> absl::StatusOr<bool> {
      return name == "site";
    };
    return s;
  }
};

TEST(SetUpAppArmor, WithoutAppArmorLoadsNothing) {
  FakeHost host;
  specgen::AppArmorState state = SetUpAppArmor(host.System());
  EXPECT_FALSE(state.enabled);
  EXPECT_THAT(host.loaded_policies, IsEmpty());
  EXPECT_THAT(specgen::DescribeAppArmor(state), HasSubstr("unavailable"));
}

TEST(SetUpAppArmor, EnabledLoadsCrispDefaultOnce) {
  FakeHost host;
  host.enabled = true;
  specgen::AppArmorState state = SetUpAppArmor(host.System());
  EXPECT_TRUE(state.enabled);
  EXPECT_TRUE(state.default_profile.ok()) << state.default_profile;
  ASSERT_EQ(host.loaded_policies.size(), 1u);
  EXPECT_EQ(host.loaded_policies[0], specgen::DefaultAppArmorProfileText());
  EXPECT_TRUE(*state.loaded("site"));
}

TEST(SetUpAppArmor, AFailedLoadIsKeptNotHidden) {
  FakeHost host;
  host.enabled = true;
  host.load_result = absl::InternalError("apparmor_parser not found");
  specgen::AppArmorState state = SetUpAppArmor(host.System());
  EXPECT_TRUE(state.enabled);
  EXPECT_EQ(state.default_profile.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(specgen::DescribeAppArmor(state),
              HasSubstr("apparmor_parser not found"));
}

TEST(ProfileListed, MatchesWholeNames) {
  std::string profiles =
      "crisp-default (enforce)\n/usr/bin/man (enforce)\nsite (complain)\n";
  EXPECT_TRUE(ProfileListed(profiles, "crisp-default"));
  EXPECT_TRUE(ProfileListed(profiles, "/usr/bin/man"));
  EXPECT_TRUE(ProfileListed(profiles, "site"));
  EXPECT_FALSE(ProfileListed(profiles, "crisp"));
  EXPECT_FALSE(ProfileListed(profiles, "enforce"));
  EXPECT_FALSE(ProfileListed("", "site"));
}

// The real loader against a script standing in for apparmor_parser: the
// policy reaches its stdin with -Kr, and a failure carries its output.
class HostLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-aa-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string Script(const std::string& body) {
    std::string path = dir_ + "/parser";
    EXPECT_TRUE(WriteFileAtomic(path, "#!/bin/sh\n" + body, 0755).ok());
    return path;
  }
  std::string dir_;
};

TEST_F(HostLoaderTest, PolicyGoesToParserStdin) {
  std::string parser =
      Script("echo \"$@\" > " + dir_ + "/args\ncat > " + dir_ + "/policy\n");
  ASSERT_TRUE(HostAppArmor(parser).load("profile p {}\n").ok());
  EXPECT_EQ(*ReadFile(dir_ + "/args"), "-Kr\n");
  EXPECT_EQ(*ReadFile(dir_ + "/policy"), "profile p {}\n");
}

TEST_F(HostLoaderTest, FailureCarriesParserOutput) {
  std::string parser = Script(
      "cat >/dev/null\necho 'AppArmor parser error at line 1' >&2\n"
      "exit 1\n");
  absl::Status s = HostAppArmor(parser).load("bad");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("AppArmor parser error at line 1"));
  EXPECT_FALSE(HostAppArmor(dir_ + "/missing").load("x").ok());
}

// crispd waits for the parser before serving: one that hangs is killed.
TEST_F(HostLoaderTest, AHungParserIsKilledAtItsTimeout) {
  std::string parser = Script("exec sleep 1000\n");
  absl::Status s = HostAppArmor(parser, absl::Milliseconds(300)).load("p");
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
}

// A bare name is found in $PATH, as posix_spawnp found it.
TEST_F(HostLoaderTest, ABareNameIsLookedUpInPath) {
  EXPECT_TRUE(HostAppArmor("true").load("p").ok());
}

}  // namespace
}  // namespace crisp::server
