#include "image/registry/reference.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::image {
namespace {

using ::testing::HasSubstr;

const std::string kDigest = "sha256:" + std::string(64, 'a');

std::string Canonical(const std::string& text) {
  auto ref = ParseReference(text);
  return ref.ok() ? ref->String()
                  : "error: " + std::string(ref.status().message());
}

TEST(ReferenceTest, NormalisesDockerHubShortNames) {
  EXPECT_EQ(Canonical("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(Canonical("busybox:1.36"), "docker.io/library/busybox:1.36");
  EXPECT_EQ(Canonical("user/app"), "docker.io/user/app:latest");
  EXPECT_EQ(Canonical("docker.io/busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(Canonical("index.docker.io/library/busybox"),
            "docker.io/library/busybox:latest");
}

TEST(ReferenceTest, KeepsExplicitDomainsAndPorts) {
  EXPECT_EQ(Canonical("localhost/app"), "localhost/app:latest");
  EXPECT_EQ(Canonical("localhost:5000/a/b:tag"), "localhost:5000/a/b:tag");
  EXPECT_EQ(Canonical("registry.k8s.io/pause:3.9"),
            "registry.k8s.io/pause:3.9");
  EXPECT_EQ(Canonical("127.0.0.1:5000/e2e-test-images/busybox:1.29-2"),
            "127.0.0.1:5000/e2e-test-images/busybox:1.29-2");
  EXPECT_EQ(Canonical("[::1]:5000/app:v1"), "[::1]:5000/app:v1");
}

TEST(ReferenceTest, DigestWinsOverTagForTheLocator) {
  auto ref = ParseReference("busybox:1.36@" + kDigest);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->tag, "1.36");
  EXPECT_EQ(ref->digest, kDigest);
  EXPECT_EQ(ref->Locator(), kDigest);
  auto only = ParseReference("busybox@" + kDigest);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->tag, "");
  EXPECT_EQ(only->String(), "docker.io/library/busybox@" + kDigest);
}

TEST(ReferenceTest, RefusesInvalidReferencesWithTheReason) {
  EXPECT_THAT(Canonical(""), HasSubstr("empty"));
  EXPECT_THAT(Canonical("Busybox"), HasSubstr("lowercase"));
  EXPECT_THAT(Canonical("busybox:bad tag"), HasSubstr("bad tag"));
  EXPECT_THAT(Canonical("busybox:-x"), HasSubstr("bad tag"));
  EXPECT_THAT(Canonical("busybox@sha256:abc"), HasSubstr("64"));
  EXPECT_THAT(Canonical("busybox@md5:" + std::string(32, 'a')),
              HasSubstr("unsupported algorithm"));
  EXPECT_THAT(Canonical("a//b"), HasSubstr("empty path component"));
  EXPECT_THAT(Canonical("a/b_-c"), HasSubstr("bad path component"));
  EXPECT_THAT(Canonical(std::string(64, 'f')), HasSubstr("64-byte"));
  EXPECT_THAT(Canonical("-bad.host/x"), HasSubstr("bad registry host"));
  EXPECT_THAT(Canonical("host:port/x"), HasSubstr("bad registry host"));
  EXPECT_THAT(Canonical("x/" + std::string(300, 'a')), HasSubstr("255"));
  EXPECT_EQ(ParseReference("UPPER").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReferenceTest, AcceptsTheGrammarsSeparators) {
  EXPECT_EQ(Canonical("a/b.c/d__e/f-g/h--i"),
            "docker.io/a/b.c/d__e/f-g/h--i:latest");
  EXPECT_EQ(Canonical("app:_tag.1-x"), "docker.io/library/app:_tag.1-x");
}

TEST(ReferenceTest, TagAndDigestRefs) {
  auto ref = ParseReference("localhost:5000/app:v1");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->TagRef(), "localhost:5000/app:v1");
  EXPECT_EQ(ref->DigestRef(kDigest), "localhost:5000/app@" + kDigest);
}

}  // namespace
}  // namespace crisp::image
