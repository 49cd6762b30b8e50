// process.user from the security context and the image, through the
// rootfs's /etc/passwd and /etc/group.
#include "server/specgen/user.h"

#include <sys/stat.h>
#include <unistd.h>

#include "server/specgen/etc_files.h"
#include "spec_fixture.h"

namespace crisp::server::specgen {
namespace {

using Gids = std::vector<uint32_t>;

class UserTest : public SpecFixture {
 protected:
  absl::StatusOr<runtime::oci::User> Resolve(const std::string& image_user) {
    return ResolveUser(*Security(), image_user, rootfs_);
  }
};

TEST(EtcFilesTest, ParsesAndSkipsJunk) {
  auto users = ParsePasswd("# c\nroot:x:0:0::/:/bin/sh\nbad\n+nis\nx:x:a:1\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "root");
  auto groups = ParseGroup("wheel:x:10:a, b\nnomembers:x:5\nbad:x:q:\n");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].members, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(groups[1].members.empty());
}

TEST_F(UserTest, RootByDefaultWithItsGroups) {
  auto u = Resolve("");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->uid, 0u);
  EXPECT_EQ(u->gid, 0u);
  // "root" lists root but is its own group: it comes in as the primary
  // gid, first, then wheel.
  EXPECT_EQ(u->additional_gids, (Gids{0, 10}));
}

TEST_F(UserTest, RunAsUserTakesGidAndGroupsFromTheImage) {
  Security()->mutable_run_as_user()->set_value(33);
  auto u = Resolve("daemon");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->uid, 33u);
  EXPECT_EQ(u->gid, 34u);
  EXPECT_EQ(u->additional_gids, (Gids{34, 10, 44}));
}

TEST_F(UserTest, RunAsGroupOverridesTheGid) {
  Security()->mutable_run_as_user()->set_value(33);
  Security()->mutable_run_as_group()->set_value(50);
  auto u = Resolve("");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->gid, 50u);
}

TEST_F(UserTest, UnknownUidRunsWithGidZero) {
  Security()->mutable_run_as_user()->set_value(1234);
  auto u = Resolve("");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->uid, 1234u);
  EXPECT_EQ(u->gid, 0u);
  EXPECT_EQ(u->additional_gids, Gids{0});
}

TEST_F(UserTest, RunAsUsername) {
  Security()->set_run_as_username("www");
  auto u = Resolve("");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->uid, 33u);
  EXPECT_EQ(u->gid, 34u);
  Security()->set_run_as_username("nobody");
  auto missing = Resolve("");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("\"nobody\""), std::string::npos);
}

TEST_F(UserTest, ImageUserForms) {
  struct Case {
    std::string user;
    uint32_t uid, gid;
  } cases[] = {{"www", 33, 34},       {"33", 33, 34},     {"33:44", 33, 44},
               {"www:video", 33, 44}, {"1:wheel", 1, 10}, {"500:7", 500, 7}};
  for (const Case& c : cases) {
    auto u = Resolve(c.user);
    ASSERT_TRUE(u.ok()) << c.user << ": " << u.status();
    EXPECT_EQ(u->uid, c.uid) << c.user;
    EXPECT_EQ(u->gid, c.gid) << c.user;
  }
}

TEST_F(UserTest, BadUsersAreInvalid) {
  for (const char* bad :
       {"www:nogroup", "ghost", "a:b:c", "99999999999", "-1", "1:-5"}) {
    auto u = Resolve(bad);
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(Resolve("www:nogroup").status().message().find("\"nogroup\""),
            std::string::npos);
  Security()->mutable_run_as_user()->set_value(-3);
  EXPECT_EQ(Resolve("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(UserTest, GroupWithoutUserIsInvalid) {
  Security()->mutable_run_as_group()->set_value(5);
  auto u = Resolve("www");
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(u.status().message().find("run_as_group"), std::string::npos);
}

TEST_F(UserTest, SupplementalGroupsMergeOrStrict) {
  Security()->set_run_as_username("www");
  Security()->add_supplemental_groups(100);
  Security()->add_supplemental_groups(10);
  auto merged = Resolve("");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->additional_gids, (Gids{34, 10, 44, 100}));
  Security()->set_supplemental_groups_policy(v1::Strict);
  auto strict = Resolve("");
  ASSERT_TRUE(strict.ok()) << strict.status();
  // Strict: never /etc/group, but the primary gid stays.
  EXPECT_EQ(strict->additional_gids, (Gids{34, 100, 10}));
  Security()->add_supplemental_groups(-1);
  EXPECT_FALSE(Resolve("").ok());
}

// critest v1.32.0's SupplementalGroupsPolicy specs, on the files of
// test-image-predefined-group: default-user (1000:1000) is also listed in
// group-defined-in-image (50000).
TEST_F(UserTest, PredefinedGroupImageMergeAndStrict) {
  Write("rootfs/etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
        "default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh\n");
  Write("rootfs/etc/group",
        "root:x:0:\ndefault-user:x:1000:\n"
        "group-defined-in-image:x:50000:default-user\n");
  Security()->mutable_run_as_user()->set_value(1000);
  Security()->add_supplemental_groups(1234);
  auto merged = Resolve("1000");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->gid, 1000u);
  EXPECT_EQ(merged->additional_gids, (Gids{1000, 50000, 1234}));
  Security()->set_supplemental_groups_policy(v1::Strict);
  auto strict = Resolve("1000");
  ASSERT_TRUE(strict.ok()) << strict.status();
  EXPECT_EQ(strict->gid, 1000u);
  EXPECT_EQ(strict->additional_gids, (Gids{1000, 1234}));
}

TEST_F(UserTest, TheGidIsListedOnce) {
  Security()->set_run_as_username("www");
  Security()->add_supplemental_groups(34);
  Security()->add_supplemental_groups(44);
  auto u = Resolve("");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->additional_gids, (Gids{34, 10, 44}));
}

TEST_F(UserTest, NoPasswdFile) {
  ASSERT_EQ(unlink((rootfs_ + "/etc/passwd").c_str()), 0);
  auto numeric = Resolve("42");
  ASSERT_TRUE(numeric.ok()) << numeric.status();
  EXPECT_EQ(numeric->gid, 0u);
  auto named = Resolve("www");
  EXPECT_EQ(named.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(named.status().message().find("no /etc/passwd"), std::string::npos);
}

// A hostile image's /etc/passwd pointing at a host file: the host file must
// never be read, whether the link is absolute or climbs with "..".
TEST_F(UserTest, SymlinkedPasswdStaysInTheRootfs) {
  ASSERT_TRUE(MakeDirs(dir_ + "/outside", 0755).ok());
  Write("outside/passwd", "evil:x:999:999::/:/bin/sh\n");
  Write("outside/group", "evilgroup:x:999:www\n");
  std::string passwd = rootfs_ + "/etc/passwd";
  std::string group = rootfs_ + "/etc/group";
  for (const std::string& prefix :
       {dir_ + "/outside", std::string("../../outside")}) {
    unlink(passwd.c_str());
    unlink(group.c_str());
    ASSERT_EQ(symlink((prefix + "/passwd").c_str(), passwd.c_str()), 0);
    ASSERT_EQ(symlink((prefix + "/group").c_str(), group.c_str()), 0);
    auto evil = Resolve("evil");
    EXPECT_EQ(evil.status().code(), absl::StatusCode::kInvalidArgument)
        << prefix;
    auto by_uid = Resolve("999");
    ASSERT_TRUE(by_uid.ok()) << by_uid.status();
    EXPECT_EQ(by_uid->gid, 0u) << prefix;
    EXPECT_FALSE(Resolve("www:evilgroup").ok()) << prefix;
  }
}

TEST_F(UserTest, FifoPasswdIsAnErrorNotAHang) {
  std::string passwd = rootfs_ + "/etc/passwd";
  ASSERT_EQ(unlink(passwd.c_str()), 0);
  ASSERT_EQ(mkfifo(passwd.c_str(), 0644), 0);
  EXPECT_FALSE(Resolve("www").ok());
}

}  // namespace
}  // namespace crisp::server::specgen
