// Layers built by the tests and pushed to a registry of their own: overlay
// whiteouts seen through a real overlay mount, snapshots shared between
// images, hostile layers, and configs that lie about their layers.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/content/digester.h"
#include "tests/integration/image/aux_servers.h"
#include "tests/integration/image/image_fixture.h"
#include "tests/integration/image/push.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::testing {
namespace {

using image::testing::BuildTar;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

class LayersTest : public ImageTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(registry_.Start({.proxy = false}), "");
    StartDaemon();
  }
  PushedImage Push(const std::string& repo, const PushSpec& spec) {
    PushedImage p = PushImage(registry_.host(), repo, "latest", spec);
    EXPECT_EQ(p.error, "") << registry_.log();
    return p;
  }
  std::string Ref(const std::string& repo) {
    return registry_.host() + "/" + repo + ":latest";
  }
  std::string Snapshot(const std::string& chain_id) {
    return SnapshotsDir() + "/" + chain_id.substr(7);
  }
  AuxRegistry registry_;
};

TEST_F(LayersTest, WhiteoutsHideLowerFilesInTheOverlayRootfs) {
  PushedImage img =
      Push("crisp/whiteouts",
           {.tars = {BuildTar({{.path = "etc/passwd", .content = "root"},
                               {.path = "etc/group", .content = "root"},
                               {.path = "var/a/x", .content = "old"}}),
                     BuildTar({{.path = "etc/.wh.passwd"},
                               {.path = "var/a/.wh..wh..opq"},
                               {.path = "var/a/y", .content = "new"}})}});
  std::string id;
  grpc::Status s = Pull(Ref("crisp/whiteouts"), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(id, img.config_digest);
  std::string mnt = crispd_.dir() + "/mnt";
  ASSERT_EQ(::mkdir(mnt.c_str(), 0755), 0);
  std::string opts = "lowerdir=" + Snapshot(img.chain_ids[1]) + ":" +
                     Snapshot(img.chain_ids[0]);
  ASSERT_EQ(::mount("overlay", mnt.c_str(), "overlay", MS_RDONLY, opts.c_str()),
            0)
      << strerror(errno);
  EXPECT_FALSE(Exists(mnt + "/etc/passwd"));
  EXPECT_TRUE(Exists(mnt + "/etc/group"));
  EXPECT_FALSE(Exists(mnt + "/var/a/x"));
  EXPECT_TRUE(Exists(mnt + "/var/a/y"));
  ::umount2(mnt.c_str(), MNT_DETACH);
}

TEST_F(LayersTest, ImagesShareSnapshotsOfCommonLayers) {
  std::vector<std::string> base;
  for (int i = 0; i < 4; ++i) {
    base.push_back(BuildTar({{.path = "f" + std::to_string(i),
                              .content = std::string(1000 * (i + 1), 'a')}}));
  }
  PushSpec one{.tars = base};
  PushSpec two{.tars = {base[0], base[1], BuildTar({{.path = "other"}})}};
  Push("crisp/one", one);
  Push("crisp/two", two);
  std::string a, b;
  ASSERT_TRUE(Pull(Ref("crisp/one"), &a).ok());
  ASSERT_TRUE(Pull(Ref("crisp/two"), &b).ok());
  EXPECT_THAT(Entries(SnapshotsDir()), SizeIs(5));
  ASSERT_TRUE(Remove(a).ok());
  EXPECT_THAT(Entries(SnapshotsDir()), SizeIs(3));
  EXPECT_TRUE(Status(b).has_image());
}

TEST_F(LayersTest, ConcurrentPullsOfImagesSharingLayers) {
  std::vector<std::string> base;
  for (int i = 0; i < 3; ++i) {
    base.push_back(BuildTar({{.path = "big" + std::to_string(i),
                              .content = std::string(3 << 20, 'a' + i)}}));
  }
  for (int i = 0; i < 4; ++i) {
    PushSpec spec{.tars = base};
    spec.tars.push_back(BuildTar({{.path = "own" + std::to_string(i)}}));
    Push("crisp/shared-" + std::to_string(i), spec);
  }
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(4);
  std::vector<std::string> ids(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = Pull(Ref("crisp/shared-" + std::to_string(i)), &ids[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_TRUE(Status(ids[i]).has_image());
  }
  EXPECT_THAT(Entries(SnapshotsDir()), SizeIs(3 + 4));
  EXPECT_THAT(List(), SizeIs(4));
}

TEST_F(LayersTest, HostileLayerChangesNothingOutsideTheSnapshot) {
  std::string tag = std::to_string(::getpid());
  std::string victim = crispd_.dir() + "/victim";
  image::testing::WriteFile(victim, "keep");
  Push("crisp/hostile",
       {.tars = {BuildTar({
            {.path = "../../../../tmp/crisp-pwned-" + tag, .content = "x"},
            {.path = "/tmp/crisp-pwned2-" + tag, .content = "x"},
            {.path = "esc", .type = '2', .link = "/tmp"},
            {.path = "esc/crisp-pwned3-" + tag, .content = "x"},
            {.path = "rel", .type = '2', .link = "../../../../../../tmp"},
            {.path = "rel/crisp-pwned4-" + tag, .content = "x"},
            {.path = "stolen", .type = '1', .link = victim},
        })}});
  std::string id;
  grpc::Status s = Pull(Ref("crisp/hostile"), &id);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.error_message(), HasSubstr("\"stolen\""));
  for (const char* n : {"/tmp/crisp-pwned-", "/tmp/crisp-pwned2-",
                        "/tmp/crisp-pwned3-", "/tmp/crisp-pwned4-"}) {
    EXPECT_FALSE(Exists(n + tag)) << n;
  }
  struct stat st;
  ASSERT_EQ(::stat(victim.c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_THAT(List(), IsEmpty());
}

TEST_F(LayersTest, ConfinedHostileEntriesLandInsideTheSnapshot) {
  std::string tag = std::to_string(::getpid());
  PushedImage img =
      Push("crisp/confined",
           {.tars = {BuildTar({
                {.path = "../../../../tmp/crisp-pwned-" + tag, .content = "x"},
                {.path = "tmp", .type = '5'},
                {.path = "esc", .type = '2', .link = "/tmp"},
                {.path = "esc/inside-" + tag, .content = "x"},
            })}});
  std::string id;
  grpc::Status s = Pull(Ref("crisp/confined"), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(Exists("/tmp/crisp-pwned-" + tag));
  EXPECT_FALSE(Exists("/tmp/inside-" + tag));
  EXPECT_TRUE(Exists(Snapshot(img.chain_ids[0]) + "/tmp/inside-" + tag));
  EXPECT_TRUE(Exists(Snapshot(img.chain_ids[0]) + "/tmp/crisp-pwned-" + tag));
}

TEST_F(LayersTest, ConfigThatLiesAboutDiffIdsFailsThePull) {
  PushSpec spec{.tars = {BuildTar({{.path = "f", .content = "x"}})},
                .config_diff_ids = {image::Sha256Digest("not the layer")}};
  Push("crisp/lying", spec);
  std::string id;
  grpc::Status s = Pull(Ref("crisp/lying"), &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("does not match"));
  EXPECT_THAT(List(), IsEmpty());
  EXPECT_THAT(Entries(SnapshotsDir()), IsEmpty());
}

TEST_F(LayersTest, UserOfTheConfigBecomesUidOrUsername) {
  Push("crisp/uid", {.tars = {BuildTar({{.path = "f"}})}, .user = "1234:5"});
  Push("crisp/name", {.tars = {BuildTar({{.path = "g"}})}, .user = "nobody"});
  std::string a, b;
  ASSERT_TRUE(Pull(Ref("crisp/uid"), &a).ok());
  ASSERT_TRUE(Pull(Ref("crisp/name"), &b).ok());
  v1::Image ia = Status(a).image(), ib = Status(b).image();
  ASSERT_TRUE(ia.has_uid());
  EXPECT_EQ(ia.uid().value(), 1234);
  EXPECT_EQ(ib.username(), "nobody");
  EXPECT_FALSE(ib.has_uid());
}

TEST_F(LayersTest, UncompressedAndGzipLayersOfOneImage) {
  Push("crisp/plain",
       {.tars = {BuildTar({{.path = "p", .content = "x"}})}, .gzip = false});
  std::string id;
  grpc::Status s = Pull(Ref("crisp/plain"), &id);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace crisp::testing
