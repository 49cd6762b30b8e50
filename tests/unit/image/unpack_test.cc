// ApplyLayer on hand-made layers: every kind of entry, overlay whiteouts,
// and hostile entries that must not change anything outside the snapshot.
#include "image/snapshots/unpack.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/content/digester.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::image {
namespace {

using testing::BuildTar;
using ::testing::HasSubstr;

class UnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snap_ = tmp_.path() + "/snap";
    outside_ = tmp_.path() + "/outside";
    ASSERT_EQ(::mkdir(snap_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(outside_.c_str(), 0755), 0);
    testing::WriteFile(outside_ + "/secret", "keep");
  }
  absl::StatusOr<UnpackResult> Apply(const std::string& blob,
                                     const UnpackLimits& limits = {}) {
    std::string path = tmp_.path() + "/layer";
    testing::WriteFile(path, blob);
    return ApplyLayer(path, snap_, limits);
  }
  void ExpectOutsideUntouched() {
    EXPECT_EQ(testing::ReadFileOrEmpty(outside_ + "/secret"), "keep");
    struct stat st;
    ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 1u);
    std::vector<std::string> names;
    EXPECT_NE(::access((outside_ + "/pwned").c_str(), F_OK), 0);
    EXPECT_NE(::access((tmp_.path() + "/pwned").c_str(), F_OK), 0);
    EXPECT_NE(::access("/pwned", F_OK), 0);
  }
  struct stat Lstat(const std::string& rel) {
    struct stat st {};
    EXPECT_EQ(::lstat((snap_ + "/" + rel).c_str(), &st), 0) << rel;
    return st;
  }

  testing::TempDir tmp_;
  std::string snap_, outside_;
};

TEST_F(UnpackTest, AppliesFilesDirsLinksModesOwnersAndTimes) {
  std::string tar = BuildTar({
      {.path = "bin", .type = '5', .mode = 0755},
      {.path = "bin/tool",
       .content = "#!/bin/sh\n",
       .mode = 04755,
       .uid = 1000,
       .gid = 2000,
       .mtime = 1234567890},
      {.path = "tmp", .type = '5', .mode = 01777},
      {.path = "bin/sh", .type = '2', .link = "/bin/tool"},
      {.path = "bin/hard", .type = '1', .link = "bin/tool"},
      {.path = "deep/er/file", .content = "x"},
      {.path = "run/fifo", .type = '6', .mode = 0600},
  });
  auto r = Apply(tar);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->diff_id, Sha256Digest(tar));
  struct stat tool = Lstat("bin/tool");
  EXPECT_EQ(tool.st_mode & 07777, 04755u);
  EXPECT_EQ(tool.st_uid, 1000u);
  EXPECT_EQ(tool.st_gid, 2000u);
  EXPECT_EQ(tool.st_mtime, 1234567890);
  EXPECT_EQ(tool.st_nlink, 2u);
  EXPECT_EQ(Lstat("bin/hard").st_ino, tool.st_ino);
  EXPECT_EQ(Lstat("tmp").st_mode & 07777, 01777u);
  EXPECT_TRUE(S_ISLNK(Lstat("bin/sh").st_mode));
  char target[64] = {};
  ASSERT_GT(::readlink((snap_ + "/bin/sh").c_str(), target, sizeof target), 0);
  EXPECT_STREQ(target, "/bin/tool");
  EXPECT_EQ(testing::ReadFileOrEmpty(snap_ + "/deep/er/file"), "x");
  EXPECT_TRUE(S_ISFIFO(Lstat("run/fifo").st_mode));
}

TEST_F(UnpackTest, GzipZstdAndPlainGiveTheSameDiffId) {
  std::string tar =
      BuildTar({{.path = "f", .content = std::string(100000, 'z')}});
  for (const std::string& blob :
       {tar, testing::Gzip(tar), testing::Zstd(tar)}) {
    TearDown();
    ASSERT_EQ(system(("rm -rf " + snap_ + " && mkdir " + snap_).c_str()), 0);
    auto r = Apply(blob);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->diff_id, Sha256Digest(tar));
    EXPECT_EQ(Lstat("f").st_size, 100000);
  }
}

TEST_F(UnpackTest, WhiteoutsBecomeOverlayWhiteouts) {
  if (::geteuid() != 0) GTEST_SKIP() << "whiteout devices need root";
  auto r = Apply(BuildTar({
      {.path = "etc", .type = '5', .mode = 0755},
      {.path = "etc/.wh.passwd"},
      {.path = "var", .type = '5', .mode = 0755},
      {.path = "var/.wh..wh..opq"},
  }));
  ASSERT_TRUE(r.ok()) << r.status();
  struct stat wh = Lstat("etc/passwd");
  EXPECT_TRUE(S_ISCHR(wh.st_mode));
  EXPECT_EQ(wh.st_rdev, makedev(0, 0));
  EXPECT_NE(::access((snap_ + "/etc/.wh.passwd").c_str(), F_OK), 0);
  char v[4] = {};
  EXPECT_EQ(::lgetxattr((snap_ + "/var").c_str(), "trusted.overlay.opaque", v,
                        sizeof v),
            1);
  EXPECT_EQ(v[0], 'y');
}

TEST_F(UnpackTest, DevicesAndXattrsAreKeptButOverlayXattrsAreNot) {
  if (::geteuid() != 0) GTEST_SKIP() << "device nodes need root";
  auto r = Apply(BuildTar({
      {.path = "dev/null", .type = '3', .mode = 0666, .rdev = makedev(1, 3)},
      {.path = "f",
       .content = "x",
       .xattrs = {{"user.note", "hi"}, {"trusted.overlay.opaque", "y"}}},
  }));
  ASSERT_TRUE(r.ok()) << r.status();
  struct stat dev = Lstat("dev/null");
  EXPECT_TRUE(S_ISCHR(dev.st_mode));
  EXPECT_EQ(dev.st_rdev, makedev(1, 3));
  char v[8] = {};
  EXPECT_EQ(::lgetxattr((snap_ + "/f").c_str(), "user.note", v, sizeof v), 2);
  EXPECT_LT(::lgetxattr((snap_ + "/f").c_str(), "trusted.overlay.opaque", v,
                        sizeof v),
            0);
}

TEST_F(UnpackTest, DotDotAndAbsolutePathsLandInsideTheSnapshot) {
  auto r = Apply(BuildTar({
      {.path = "../../pwned", .content = "x"},
      {.path = "/abs/pwned", .content = "y"},
      {.path = "a/../../../outside/pwned", .content = "z"},
  }));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(testing::ReadFileOrEmpty(snap_ + "/pwned"), "x");
  EXPECT_EQ(testing::ReadFileOrEmpty(snap_ + "/abs/pwned"), "y");
  EXPECT_EQ(testing::ReadFileOrEmpty(snap_ + "/outside/pwned"), "z");
  ExpectOutsideUntouched();
}

TEST_F(UnpackTest, WritesThroughSymlinksStayConfined) {
  auto r = Apply(BuildTar({
      {.path = "up", .type = '2', .link = "../outside"},
      {.path = "abs", .type = '2', .link = outside_},
      {.path = "etc", .type = '5'},
      {.path = "root", .type = '2', .link = "/"},
      {.path = "root/etc/pwned", .content = "inside"},
      {.path = "up/pwned", .content = "x"},
  }));
  // Either the entry lands inside or the layer fails naming it; nothing
  // outside changes in any case.
  if (!r.ok()) {
    EXPECT_THAT(r.status().message(), HasSubstr("up/pwned"));
  }
  EXPECT_EQ(testing::ReadFileOrEmpty(snap_ + "/etc/pwned"), "inside");
  ExpectOutsideUntouched();
  auto r2 = Apply(BuildTar({{.path = "abs/pwned", .content = "x"}}));
  if (!r2.ok()) {
    EXPECT_THAT(r2.status().message(), HasSubstr("abs/pwned"));
  }
  ExpectOutsideUntouched();
}

TEST_F(UnpackTest, HardlinksCannotReachOutside) {
  for (const std::string& target :
       {std::string("../outside/secret"), outside_ + "/secret",
        "../../../../" + outside_ + "/secret"}) {
    auto r = Apply(BuildTar({{.path = "h", .type = '1', .link = target}}));
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_THAT(r.status().message(), HasSubstr("\"h\""));
    EXPECT_THAT(r.status().message(), HasSubstr("not in this layer"));
    ExpectOutsideUntouched();
  }
  auto r = Apply(BuildTar({
      {.path = "sl", .type = '2', .link = "/"},
      {.path = "h2", .type = '1', .link = "sl/../outside/secret"},
  }));
  EXPECT_FALSE(r.ok());
  ExpectOutsideUntouched();
}

TEST_F(UnpackTest, ALaterEntryReplacesAnEarlierOne) {
  auto r = Apply(BuildTar({
      {.path = "x", .content = "file"},
      {.path = "x", .type = '5'},
      {.path = "x/y", .content = "in dir"},
      {.path = "z", .type = '5'},
      {.path = "z", .type = '2', .link = "x"},
  }));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(S_ISDIR(Lstat("x").st_mode));
  EXPECT_TRUE(S_ISLNK(Lstat("z").st_mode));
}

TEST_F(UnpackTest, CorruptOrTruncatedLayersFailCleanly) {
  std::string tar =
      BuildTar({{.path = "f", .content = std::string(5000, 'a')}});
  std::string bad_header = tar;
  bad_header[100] ^= 0x55;  // mode field: breaks the header checksum
  EXPECT_FALSE(Apply(bad_header).ok());
  EXPECT_FALSE(Apply(tar.substr(0, 700)).ok());
  std::string gz = testing::Gzip(tar);
  EXPECT_FALSE(Apply(gz.substr(0, gz.size() / 2)).ok());
  std::string zst = testing::Zstd(tar);
  EXPECT_FALSE(Apply(zst.substr(0, zst.size() - 4)).ok());
  std::string garbage(4096, '\x1f');
  EXPECT_FALSE(Apply(garbage).ok());
  EXPECT_FALSE(Apply("\x28\xb5\x2f\xfd garbage zstd").ok());
}

TEST_F(UnpackTest, OversizedPaxHeaderIsRefused) {
  // A pax extended header that claims 1 GiB of attributes.
  std::string tar = BuildTar({{.path = "f", .content = "x"}});
  std::string hdr(512, '\0');
  std::string name = "PaxHeaders/f";
  std::copy(name.begin(), name.end(), hdr.begin());
  auto put = [&](size_t off, const std::string& v) {
    std::copy(v.begin(), v.end(), hdr.begin() + static_cast<long>(off));
  };
  put(100, "0000644");
  put(124, "10000000000");  // 1 GiB, octal
  hdr[156] = 'x';
  put(257, "ustar");
  put(263, "00");
  put(148, "        ");
  unsigned sum = 0;
  for (unsigned char c : hdr) sum += c;
  char chk[8];
  snprintf(chk, sizeof chk, "%06o", sum);
  put(148, std::string(chk, 6) + std::string("\0 ", 2));
  auto r = Apply(hdr + std::string(4096, 'a'));
  EXPECT_FALSE(r.ok());
  ExpectOutsideUntouched();
}

// Security audit L8: a small gzip that expands beyond the configured cap
// (bytes, entries or directories) fails with an error naming the limit.
TEST_F(UnpackTest, LayersExpandingBeyondTheCapsFail) {
  std::string bomb = testing::Gzip(
      BuildTar({{.path = "zeros", .content = std::string(4 << 20, '\0')}}));
  ASSERT_LT(bomb.size(), 64u << 10);
  UnpackLimits bytes;
  bytes.max_bytes = 1 << 20;
  auto r = Apply(bomb, bytes);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted)
      << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("image.max_layer_bytes"));
  EXPECT_THAT(r.status().message(), HasSubstr("1048576"));

  std::vector<testing::TarEntry> files, dirs;
  for (int i = 0; i < 20; ++i) {
    files.push_back({.path = "f" + std::to_string(i)});
    dirs.push_back({.path = "d" + std::to_string(i), .type = '5'});
  }
  UnpackLimits entries;
  entries.max_entries = 10;
  r = Apply(testing::Gzip(BuildTar(files)), entries);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted)
      << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("image.max_layer_entries"));
  UnpackLimits directories;
  directories.max_directories = 5;
  r = Apply(testing::Gzip(BuildTar(dirs)), directories);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted)
      << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("image.max_layer_directories"));
  // Within the caps the same layers apply.
  EXPECT_TRUE(Apply(bomb).ok());
}

}  // namespace
}  // namespace crisp::image
