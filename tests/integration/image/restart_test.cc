// Crash consistency: whatever a killed crispd leaves behind (partial
// downloads, half unpacked snapshots, content no image names, an image
// whose snapshot vanished), the next start brings the store and the disk
// back in line.
#include <signal.h>
#include <sys/stat.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/image/image_fixture.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::testing {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

class RestartTest : public ImageTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_LAB_UP();
    StartDaemon();
  }
  void Kill() {
    ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(10)).has_value());
  }
  std::string busybox() { return Lab("e2e-test-images/busybox:1.29-2"); }
};

TEST_F(RestartTest, LeftoversOfAKilledDaemonAreRemovedAtStart) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  Kill();
  std::string orphan_blob = BlobsDir() + "/" + std::string(64, 'e');
  std::string orphan_snap = SnapshotsDir() + "/" + std::string(64, 'd');
  std::string half_snap = SnapshotsDir() + "/tmp-123";
  std::string ingest =
      crispd_.root() + "/content/ingest/" + std::string(64, 'c') + ".x";
  image::testing::WriteFile(orphan_blob, "orphan");
  ASSERT_EQ(::mkdir(orphan_snap.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(half_snap.c_str(), 0755), 0);
  image::testing::WriteFile(half_snap + "/f", "half");
  image::testing::WriteFile(ingest, "partial");
  StartDaemon();
  for (const auto& p : {orphan_blob, orphan_snap, half_snap, ingest}) {
    EXPECT_NE(::access(p.c_str(), F_OK), 0) << p;
  }
  EXPECT_EQ(Status(busybox()).image().id(), id);
  EXPECT_THAT(Entries(SnapshotsDir()), Not(IsEmpty()));
}

TEST_F(RestartTest, AnImageWithAMissingSnapshotIsDroppedAtStart) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  Kill();
  auto snaps = Entries(SnapshotsDir());
  ASSERT_FALSE(snaps.empty());
  ASSERT_EQ(std::system(("rm -rf " + SnapshotsDir() + "/" + snaps[0]).c_str()),
            0);
  StartDaemon();
  EXPECT_FALSE(Status(id).has_image());
  EXPECT_THAT(Entries(SnapshotsDir()), IsEmpty());
  EXPECT_THAT(Entries(BlobsDir()), IsEmpty());
  // And the image can be pulled again.
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  EXPECT_TRUE(Status(id).has_image());
}

TEST_F(RestartTest, PulledImagesSurviveACleanRestart) {
  std::string id;
  ASSERT_TRUE(Pull(busybox(), &id).ok());
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  StartDaemon();
  v1::Image img = Status(busybox()).image();
  EXPECT_EQ(img.id(), id);
  EXPECT_THAT(img.repo_tags(), Contains(busybox()));
}

}  // namespace
}  // namespace crisp::testing
