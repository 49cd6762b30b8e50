// The lab's crisp/* images (hack/test-images.sh), pulled and looked at
// through an overlay mount of their snapshots, the way a container sees
// them; and the lab's TLS + basic-auth registry.
#include <sys/mount.h>
#include <sys/stat.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/snapshots/snapshot_store.h"
#include "nlohmann/json.hpp"
#include "tests/integration/image/image_fixture.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::testing {
namespace {

using image::testing::ReadFileOrEmpty;

class LabImagesTest : public ImageTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_LAB_UP();
    StartDaemon();
  }
  void TearDown() override {
    if (mounted_) ::umount2(mnt_.c_str(), MNT_DETACH);
  }
  // Pulls `repo_tag` from the lab and mounts its layers read-only.
  void PullAndMount(const std::string& repo_tag) {
    std::string id;
    grpc::Status s = Pull(Lab(repo_tag), &id);
    ASSERT_TRUE(s.ok()) << s.error_message();
    auto info = nlohmann::json::parse(Status(id, true).info().at("info"));
    const auto& config = info["imageSpec"];
    std::vector<std::string> diff_ids = config["rootfs"]["diff_ids"];
    std::vector<std::string> chain = image::ChainIds(diff_ids);
    std::string lower;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      lower +=
          (lower.empty() ? "" : ":") + SnapshotsDir() + "/" + it->substr(7);
    }
    if (chain.size() == 1) {  // overlay wants two layers without upperdir
      std::string empty = crispd_.dir() + "/empty";
      ::mkdir(empty.c_str(), 0755);
      lower += ":" + empty;
    }
    mnt_ = crispd_.dir() + "/mnt";
    ASSERT_EQ(::mkdir(mnt_.c_str(), 0755), 0);
    ASSERT_EQ(::mount("overlay", mnt_.c_str(), "overlay", MS_RDONLY,
                      ("lowerdir=" + lower).c_str()),
              0)
        << strerror(errno);
    mounted_ = true;
  }
  bool Exists(const std::string& rel) {
    struct stat st;
    return ::lstat((mnt_ + "/" + rel).c_str(), &st) == 0;
  }
  // The file's text without its trailing newline.
  std::string Read(const std::string& rel) {
    std::string text = ReadFileOrEmpty(mnt_ + "/" + rel);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }
  std::string mnt_;
  bool mounted_ = false;
};

TEST_F(LabImagesTest, WhiteoutsImage) {
  PullAndMount("crisp/whiteouts:latest");
  EXPECT_FALSE(Exists("a/x"));
  EXPECT_EQ(Read("a/y"), "y");
  EXPECT_FALSE(Exists("b/z"));
  EXPECT_EQ(Read("b/new"), "new");
}

TEST_F(LabImagesTest, FiveLayersApplyInOrder) {
  PullAndMount("crisp/five-layers:latest");
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(Read("five/layer-" + std::to_string(i)), std::to_string(i));
  }
  EXPECT_EQ(Read("five/top"), "layer 5");
}

TEST_F(LabImagesTest, EveryLayerKindHasItsMarker) {
  for (const char* kind : {"gzip", "zstd", "uncompressed"}) {
    PullAndMount(std::string("crisp/layers-") + kind + ":latest");
    EXPECT_EQ(Read("crisp/layer-kind"), kind);
    ::umount2(mnt_.c_str(), MNT_DETACH);
    ::rmdir(mnt_.c_str());
    mounted_ = false;
  }
}

TEST_F(LabImagesTest, BusyboxRootfsHasAShell) {
  PullAndMount("e2e-test-images/busybox:1.29-2");
  EXPECT_TRUE(Exists("bin/sh"));
}

TEST_F(LabImagesTest, BigImage) {
  PullAndMount("crisp/big:latest");
  struct stat st;
  ASSERT_EQ(::stat((mnt_ + "/big/data.bin").c_str(), &st), 0);
  EXPECT_GT(st.st_size, 40 << 20);
}

TEST_F(LabImagesTest, PrivateImageOnTheLabTlsRegistry) {
  ASSERT_TRUE(LabTlsUp()) << "lab TLS registry " << LabTlsRegistry()
                          << " is not up (hack/registry.sh start)";
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  StartDaemon("[registries.\"" + LabTlsRegistry() + "\"]\nca_file = \"" +
              LabCaFile() + "\"\n");
  v1::AuthConfig auth;
  auth.set_username("crisp");
  auth.set_password("crisp-secret");
  std::string id;
  grpc::Status s =
      Pull(LabTlsRegistry() + "/private/busybox:1.29-2", &id, &auth);
  EXPECT_TRUE(s.ok()) << s.error_message();
  grpc::Status anon = Pull(LabTlsRegistry() + "/private/busybox:1.29-2", &id);
  EXPECT_EQ(anon.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace crisp::testing
