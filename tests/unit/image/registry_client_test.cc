// The registry client against a fake registry on 127.0.0.1 (fake_http.h).
#include "image/registry_client.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/digester.h"
#include "tests/unit/image/fake_http.h"

namespace crisp::image {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using ::testing::HasSubstr;

std::string DigestOf(const std::string& algorithm, const std::string& data) {
  auto d = Digester::Create(algorithm);
  d->Update(data.data(), data.size());
  return d->Digest();
}

// Security audit L1: a manifest pinned by a sha512 digest is verified with
// sha512, as one pinned by sha256 is with sha256.
TEST(RegistryClientTest, ManifestPinnedBySha512IsVerified) {
  std::string body = R"({"schemaVersion":2,"layers":[]})";
  FakeHttpServer server([&](const FakeRequest&) {
    return FakeResponse{200, kOciManifest, body};
  });
  RegistryOptions options;
  options.attempts = 1;
  RegistryClient client(options);
  std::string wrong = "sha512:" + std::string(128, 'a');
  auto ref = ParseReference(server.host() + "/lib/img@" + wrong);
  ASSERT_TRUE(ref.ok()) << ref.status();
  auto session = client.Open(*ref, {});
  auto m = session->GetManifest(ref->Locator());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss) << m.status();
  EXPECT_THAT(m.status().message(), HasSubstr(wrong));
  EXPECT_THAT(m.status().message(), HasSubstr(DigestOf("sha512", body)));

  auto right = session->GetManifest(DigestOf("sha512", body));
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_EQ(right->body, body);
  // The content store keeps manifests by their sha256.
  EXPECT_EQ(right->digest, DigestOf("sha256", body));
}

}  // namespace
}  // namespace crisp::image
