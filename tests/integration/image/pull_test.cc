// PullImage, ImageStatus, ListImages, RemoveImage and ImageFsInfo against
// the plain-HTTP lab registry, through a real crispd.
#include <sys/stat.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/integration/image/image_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kBusybox[] = "e2e-test-images/busybox";
constexpr char kBusyboxTag[] = "1.29-2";

class PullTest : public ImageTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_LAB_UP();
    StartDaemon();
  }
  std::string busybox() {
    return Lab(std::string(kBusybox) + ":" + kBusyboxTag);
  }
};

TEST_F(PullTest, PullReturnsConfigDigestAndStatusNamesTagAndDigest) {
  std::string id;
  grpc::Status s = Pull(busybox(), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(id, ConfigDigest(kBusybox, kBusyboxTag));
  v1::Image img = Status(busybox()).image();
  EXPECT_EQ(img.id(), id);
  EXPECT_THAT(img.repo_tags(), Contains(busybox()));
  EXPECT_THAT(
      img.repo_digests(),
      Contains(Lab(kBusybox) + "@" + LabManifestDigest(kBusybox, kBusyboxTag)));
  EXPECT_GT(img.size(), 0u);
  EXPECT_FALSE(img.pinned());
}

TEST_F(PullTest, StatusFindsImageByIdPrefixAndDigestReference) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  EXPECT_EQ(Status(id).image().id(), id);
  EXPECT_EQ(Status(id.substr(7)).image().id(), id);
  EXPECT_EQ(Status(id.substr(7, 12)).image().id(), id);
  std::string by_digest =
      Lab(kBusybox) + "@" + LabManifestDigest(kBusybox, kBusyboxTag);
  EXPECT_EQ(Status(by_digest).image().id(), id);
}

TEST_F(PullTest, StatusVerboseGivesTheImageConfig) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  v1::ImageStatusResponse resp = Status(busybox(), /*verbose=*/true);
  ASSERT_TRUE(resp.info().contains("info"));
  auto info = nlohmann::json::parse(resp.info().at("info"));
  EXPECT_TRUE(info["imageSpec"].contains("rootfs"));
  EXPECT_THAT(info.value("chainID", ""), ::testing::StartsWith("sha256:"));
}

TEST_F(PullTest, StatusOfAnAbsentImageIsEmptyNotAnError) {
  EXPECT_FALSE(Status(Lab("no/such:image")).has_image());
  EXPECT_FALSE(Status("sha256:" + std::string(64, 'a')).has_image());
}

TEST_F(PullTest, PullByDigestRecordsNoTag) {
  std::string digest = LabManifestDigest(kBusybox, kBusyboxTag);
  std::string id;
  ASSERT_TRUE(Pull(Lab(kBusybox) + "@" + digest, &id).ok());
  v1::Image img = Status(id).image();
  EXPECT_THAT(img.repo_tags(), IsEmpty());
  EXPECT_THAT(img.repo_digests(), Contains(Lab(kBusybox) + "@" + digest));
}

TEST_F(PullTest, ListImagesShowsPulledImagesAndHonoursTheFilter) {
  std::string a, b;
  ASSERT_TRUE(Pull(busybox(), &a).ok());
  ASSERT_TRUE(Pull(Lab("crisp/layers-gzip:latest"), &b).ok());
  EXPECT_THAT(List(), SizeIs(a == b ? 1 : 2));
  auto filtered = List(busybox());
  ASSERT_THAT(filtered, SizeIs(1));
  EXPECT_EQ(filtered[0].id(), a);
  EXPECT_THAT(List(Lab("no/such:image")), IsEmpty());
}

TEST_F(PullTest, RemoveByIdRemovesImageBlobsAndSnapshots) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  EXPECT_THAT(Entries(SnapshotsDir()), Not(IsEmpty()));
  ASSERT_TRUE(Remove(id).ok());
  EXPECT_FALSE(Status(busybox()).has_image());
  EXPECT_THAT(List(), IsEmpty());
  EXPECT_THAT(Entries(SnapshotsDir()), IsEmpty());
  EXPECT_THAT(Entries(BlobsDir()), IsEmpty());
  // Idempotent, as CRI requires.
  EXPECT_TRUE(Remove(id).ok());
  EXPECT_TRUE(Remove(busybox()).ok());
}

TEST_F(PullTest, RemoveByTagUntagsAndDropsTheImageWithItsLastTag) {
  std::string digest = LabManifestDigest(kBusybox, kBusyboxTag);
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  ASSERT_TRUE(Pull(Lab(kBusybox) + "@" + digest, &id).ok());
  ASSERT_TRUE(Remove(busybox()).ok());
  EXPECT_FALSE(Status(busybox()).has_image());
  EXPECT_FALSE(Status(id).has_image());
  EXPECT_THAT(Entries(SnapshotsDir()), IsEmpty());
}

TEST_F(PullTest, LayersOfEveryCompressionUnpack) {
  for (const char* kind : {"gzip", "zstd", "uncompressed"}) {
    std::string repo = std::string("crisp/layers-") + kind;
    std::string id;
    grpc::Status s = Pull(Lab(repo + ":latest"), &id);
    ASSERT_TRUE(s.ok()) << kind << ": " << s.error_message();
    EXPECT_EQ(id, ConfigDigest(repo, "latest")) << kind;
  }
  EXPECT_THAT(Entries(SnapshotsDir()), Not(IsEmpty()));
}

TEST_F(PullTest, ConcurrentPullsOfOneImageAllSucceedWithOneResult) {
  std::vector<std::thread> threads;
  std::vector<std::string> ids(6);
  std::vector<grpc::Status> statuses(6);
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = Pull(busybox(), &ids[i]); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(ids[i], ids[0]);
  }
  EXPECT_THAT(List(), SizeIs(1));
}

class PinnedTest : public ImageTest {};

TEST_F(PinnedTest, TheSandboxImageIsPinned) {
  SKIP_UNLESS_LAB_UP();
  std::string pause = Lab("e2e-test-images/busybox:1.29-2");
  StartDaemon("[image]\nsandbox_image = \"" + pause + "\"\n");
  std::string a, b;
  ASSERT_TRUE(Pull(pause, &a).ok());
  ASSERT_TRUE(Pull(Lab("crisp/layers-gzip:latest"), &b).ok());
  EXPECT_TRUE(Status(a).image().pinned());
  EXPECT_FALSE(Status(b).image().pinned());
}

TEST_F(PullTest, InvalidReferenceIsInvalidArgument) {
  std::string id;
  grpc::Status s = Pull("Invalid/UPPER", &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("lowercase"));
}

TEST_F(PullTest, MissingImageIsNotFoundAndLeavesNothing) {
  std::string id;
  grpc::Status s = Pull(Lab("crisp/does-not-exist:latest"), &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_THAT(List(), IsEmpty());
}

TEST_F(PullTest, ImageFsInfoReportsSnapshotsAndContent) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  v1::ImageFsInfoResponse resp;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::ImageService::Stub::ImageFsInfo,
                        v1::ImageFsInfoRequest(), &resp)
                  .ok());
  ASSERT_EQ(resp.image_filesystems_size(), 1);
  const auto& fs = resp.image_filesystems(0);
  EXPECT_EQ(fs.fs_id().mountpoint(), SnapshotsDir());
  EXPECT_GT(fs.used_bytes().value(), 100u * 1024);
  EXPECT_GT(fs.inodes_used().value(), 3u);
  EXPECT_GT(fs.timestamp(), 0);
  // Removal shows at once, although snapshot sizes are remembered.
  ASSERT_TRUE(Remove(id).ok());
  v1::ImageFsInfoResponse after;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::ImageService::Stub::ImageFsInfo,
                        v1::ImageFsInfoRequest(), &after)
                  .ok());
  EXPECT_LT(after.image_filesystems(0).used_bytes().value(),
            fs.used_bytes().value() / 2);
}

}  // namespace
}  // namespace crisp::testing
