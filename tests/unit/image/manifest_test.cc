#include "image/registry/manifest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::image {
namespace {

using ::testing::HasSubstr;

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

std::string Entry(const std::string& arch, const std::string& variant,
                  const std::string& digest) {
  return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
         digest + R"(","size":10,"platform":{"os":"linux","architecture":")" +
         arch + R"(","variant":")" + variant + R"("}})";
}

TEST(ManifestTest, ClassifiesByContentTypeOrMediaType) {
  EXPECT_EQ(*ClassifyManifest(kOciIndex, "{}"), ManifestKind::kIndex);
  EXPECT_EQ(*ClassifyManifest(kDockerManifest, "{}"), ManifestKind::kManifest);
  EXPECT_EQ(*ClassifyManifest("application/json",
                              R"({"mediaType":")" +
                                  std::string(kDockerManifestList) + R"("})"),
            ManifestKind::kIndex);
  EXPECT_EQ(*ClassifyManifest("", R"({"manifests":[]})"), ManifestKind::kIndex);
}

TEST(ManifestTest, RefusesSchema1WithAClearError) {
  auto k = ClassifyManifest(kDockerSchema1Signed, "{}");
  EXPECT_EQ(k.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(k.status().message(), HasSubstr("schema 1"));
  EXPECT_FALSE(ClassifyManifest("", R"({"schemaVersion":1})").ok());
  EXPECT_FALSE(ClassifyManifest("text/html", "<html>").ok());
}

TEST(ManifestTest, ParsesAManifest) {
  std::string body =
      R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + kA +
      R"(","size":5},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":")" +
      kB + R"(","size":7}]})";
  auto m = ParseManifest(body);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->config.digest, kA);
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].size, 7);
}

TEST(ManifestTest, RefusesMalformedManifests) {
  for (std::string body :
       {std::string("not json"), std::string("[]"), std::string("{}"),
        std::string(
            R"({"config":{"digest":"sha256:zz","size":1},"layers":[]})"),
        R"({"config":{"digest":")" + kA + R"(","size":-1},"layers":[]})",
        R"({"config":{"digest":")" + kA + R"(","size":1}})",
        R"({"config":{"digest":")" + kA +
            R"(","size":1},"layers":[{"mediaType":"text/plain","digest":")" +
            kB + R"(","size":1}]})",
        R"({"config":{"digest":")" + kA + R"(","size":1},"layers":[7]})",
        R"({"config":{"digest":")" + kA + R"(","size":"1"},"layers":[]})"}) {
    EXPECT_FALSE(ParseManifest(body).ok()) << body;
  }
}

TEST(ManifestTest, ChoosesThePlatformOfTheNode) {
  auto index = ParseIndex(R"({"manifests":[)" + Entry("arm64", "v8", kA) + "," +
                          Entry("amd64", "", kB) + "]}");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(ChoosePlatform(*index, {"linux", "amd64", ""})->digest, kB);
  EXPECT_EQ(ChoosePlatform(*index, {"linux", "arm64", ""})->digest, kA);
  auto none = ChoosePlatform(*index, {"linux", "s390x", ""});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(none.status().message(),
              HasSubstr("linux/arm64/v8, linux/amd64"));
}

TEST(ManifestTest, ArmPrefersTheClosestVariantNotAbove) {
  auto index = ParseIndex(R"({"manifests":[)" + Entry("arm", "v6", kA) + "," +
                          Entry("arm", "v7", kB) + "]}");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(ChoosePlatform(*index, {"linux", "arm", "v7"})->digest, kB);
  EXPECT_EQ(ChoosePlatform(*index, {"linux", "arm", "v6"})->digest, kA);
  EXPECT_FALSE(ChoosePlatform(*index, {"linux", "arm", "v5"}).ok());
}

// Security audit H1: a field of the wrong type is an error naming the
// object and the field, never a nlohmann type_error escaping.
TEST(ManifestTest, WronglyTypedFieldsAreErrorsNotExceptions) {
  auto k = ClassifyManifest("application/json", R"({"schemaVersion":"2"})");
  EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(k.status().message(),
              HasSubstr("manifest: schemaVersion: expected an integer"));
  k = ClassifyManifest("", R"({"mediaType":5})");
  EXPECT_THAT(k.status().message(), HasSubstr("mediaType: expected a string"));
  auto m = ParseManifest(R"({"config":{"digest":")" + kA +
                         R"(","size":1,"mediaType":[]},"layers":[]})");
  EXPECT_THAT(m.status().message(),
              HasSubstr("manifest config: mediaType: expected a string"));
  auto i = ParseIndex(R"({"manifests":[{"digest":")" + kA +
                      R"(","size":1,"platform":{"os":1}}]})");
  EXPECT_THAT(i.status().message(),
              HasSubstr("index entry platform: os: expected a string"));
}

}  // namespace
}  // namespace crisp::image
