// A pull on a full disk (crispd's root on a small tmpfs): it fails with
// RESOURCE_EXHAUSTED naming the image and the full disk, whichever write
// ran out (blob download, layer unpack, the metadata commit), leaves no
// image, no partial file and no content of its own behind, crispd keeps
// serving (and starts again on the full disk), and the same pull works
// once space is freed.
#include <signal.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/image/image_fixture.h"
#include "tests/support/small_disk.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kMiB = 1 << 20;
// Room for crisp/big (a 50 MiB layer of random data: 50 MiB of blob and
// 50 MiB unpacked) and the database.
constexpr int64_t kRootSize = 128 * kMiB;

class DiskFullTest : public ImageTest {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(geteuid() == 0, "mounting a tmpfs needs root");
    SKIP_UNLESS_LAB_UP();
    ASSERT_EQ(disk_.Mount(crispd_.root(), kRootSize), "");
    StartDaemon();
  }
  void TearDown() override {
    (void)crispd_.Stop(SIGKILL, std::chrono::seconds(10));
  }
  std::string big() { return Lab("crisp/big:latest"); }
  std::string busybox() { return Lab("e2e-test-images/busybox:1.29-2"); }

  // The failed pull of `ref` left nothing: no image under its name, no
  // partial download or unpack, no blob or snapshot of its own.
  void ExpectNothingLeftOf(const std::string& ref) {
    EXPECT_FALSE(Status(ref).has_image());
    for (const auto& img : List()) {
      for (const auto& tag : img.repo_tags()) EXPECT_NE(tag, ref);
    }
    EXPECT_THAT(Entries(crispd_.root() + "/content/ingest"), IsEmpty());
    for (const auto& s : Entries(SnapshotsDir())) {
      EXPECT_EQ(s.rfind("tmp-", 0), std::string::npos) << s;
    }
  }
  void ExpectStillServing() {
    v1::VersionResponse v;
    EXPECT_TRUE(crispd_.client().Version(&v).ok()) << crispd_.Log();
  }
  void ExpectNoSpace(const grpc::Status& s, const std::string& ref) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s.error_code() << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(ref));
    EXPECT_THAT(s.error_message(), HasSubstr("no space left on"));
  }

  SmallDisk disk_;
};

TEST_F(DiskFullTest, BlobDownloadOutOfSpaceFailsCleanlyAndWorksOnceFreed) {
  ASSERT_EQ(disk_.Fill(30 * kMiB), "");  // less than the 50 MiB blob
  std::string id;
  grpc::Status s = Pull(big(), &id);
  ExpectNoSpace(s, big());
  ExpectNothingLeftOf(big());
  EXPECT_THAT(Entries(BlobsDir()), IsEmpty());
  ExpectStillServing();
  disk_.Free();
  s = Pull(big(), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Status(big()).image().id(), id);
}

TEST_F(DiskFullTest, UnpackOutOfSpaceDropsTheDownloadedLayer) {
  // The blob fits, its unpacked copy does not.
  ASSERT_EQ(disk_.Fill(70 * kMiB), "");
  std::string id;
  grpc::Status s = Pull(big(), &id);
  ExpectNoSpace(s, big());
  EXPECT_THAT(s.error_message(), HasSubstr("unpack"));
  ExpectNothingLeftOf(big());
  // The 50 MiB blob went with the failure: the disk has it back now, not
  // at the next removal or restart.
  EXPECT_THAT(Entries(BlobsDir()), IsEmpty());
  EXPECT_THAT(Entries(SnapshotsDir()), IsEmpty());
  ExpectStillServing();
  disk_.Free();
  s = Pull(big(), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Status(big()).has_image());
}

// Everything is already on disk but the metadata row: the commit is the
// write that finds the disk full (SQLite's SQLITE_FULL).
TEST_F(DiskFullTest, CommitOutOfSpaceIsResourceExhaustedAndRolledBack) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  std::string same = Lab("library/busybox:latest");  // same manifest
  ASSERT_EQ(disk_.Fill(), "");
  grpc::Status s = Pull(same, &id);
  ExpectNoSpace(s, same);
  ExpectNothingLeftOf(same);
  EXPECT_TRUE(Status(busybox()).has_image());
  ExpectStillServing();

  // A restart on the full disk: crispd comes up, so images and pods can
  // be removed to get space back.
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  StartDaemon();
  EXPECT_TRUE(Status(busybox()).has_image());
  EXPECT_FALSE(Status(same).has_image());

  disk_.Free();
  s = Pull(same, &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(Status(same).has_image());
}

}  // namespace
}  // namespace crisp::testing
