// Pulls through registries that ask for credentials (Basic over TLS,
// Bearer tokens), every CRI AuthConfig form, mirrors and multi-arch
// indexes. The extra registries are docker-registry proxies in front of the
// lab registry, started by the tests (aux_servers.h).
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/image/aux_servers.h"
#include "tests/integration/image/image_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Le;

constexpr char kImage[] = "e2e-test-images/busybox:1.29-2";

v1::AuthConfig UserPassword(const std::string& password = "crisp-secret") {
  v1::AuthConfig a;
  a.set_username("crisp");
  a.set_password(password);
  return a;
}

class BasicAuthTest : public ImageTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_LAB_UP();
    ASSERT_EQ(registry_.Start({.auth = AuxRegistry::Auth::kBasic, .tls = true}),
              "");
    StartDaemon("[registries.\"" + registry_.host() + "\"]\nca_file = \"" +
                registry_.ca_file() + "\"\n");
  }
  std::string image() { return registry_.host() + "/" + kImage; }
  AuxRegistry registry_;
};

TEST_F(BasicAuthTest, UsernameAndPasswordOverTls) {
  std::string id;
  v1::AuthConfig auth = UserPassword();
  grpc::Status s = Pull(image(), &id, &auth);
  ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << registry_.log();
  EXPECT_EQ(id, ConfigDigest("e2e-test-images/busybox", "1.29-2"));
}

TEST_F(BasicAuthTest, Base64AuthField) {
  v1::AuthConfig auth;
  auth.set_auth(absl::Base64Escape("crisp:crisp-secret"));
  auth.set_server_address(registry_.host());
  std::string id;
  grpc::Status s = Pull(image(), &id, &auth);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(BasicAuthTest, MissingOrWrongCredentialsAreRefused) {
  std::string id;
  grpc::Status none = Pull(image(), &id);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << none.error_message();
  v1::AuthConfig wrong = UserPassword("wrong");
  grpc::Status bad = Pull(image(), &id, &wrong);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << bad.error_message();
  EXPECT_TRUE(List().empty());
}

class TlsTrustTest : public ImageTest {};

TEST_F(TlsTrustTest, UnknownCaIsRefusedAndInsecureSkipVerifyAccepts) {
  SKIP_UNLESS_LAB_UP();
  AuxRegistry registry;
  ASSERT_EQ(registry.Start({.tls = true}), "");
  StartDaemon();
  std::string id;
  grpc::Status s = Pull(registry.host() + "/" + kImage, &id);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.error_message(), HasSubstr("certificate"));
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  CrispdProcess second;
  CrispdOptions options;
  options.extra_config =
      "[registries.\"" + registry.host() + "\"]\ninsecure_skip_verify = true\n";
  ASSERT_EQ(second.Start(options), "");
  v1::PullImageResponse resp;
  s = second.client().PullImage(registry.host() + "/" + kImage, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TlsTrustTest, ClientCertificateFromTheConfig) {
  SKIP_UNLESS_LAB_UP();
  AuxRegistry registry;
  ASSERT_EQ(registry.Start({.tls = true, .client_certs = true}), "");
  std::string table = "[registries.\"" + registry.host() + "\"]\nca_file = \"" +
                      registry.ca_file() + "\"\n";
  StartDaemon(table);
  std::string id;
  grpc::Status without = Pull(registry.host() + "/" + kImage, &id);
  EXPECT_FALSE(without.ok());
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
  StartDaemon(table + "cert_file = \"" + registry.client_cert() +
              "\"\nkey_file = \"" + registry.client_key() + "\"\n");
  grpc::Status with = Pull(registry.host() + "/" + kImage, &id);
  EXPECT_TRUE(with.ok()) << with.error_message() << "\n" << registry.log();
}

class TokenAuthTest : public ImageTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_LAB_UP();
    ASSERT_EQ(tokens_.Start(), "");
    ASSERT_EQ(registry_.Start({.auth = AuxRegistry::Auth::kToken,
                               .token_realm = tokens_.realm(),
                               .token_cert = tokens_.cert()}),
              "");
    StartDaemon();
  }
  std::string image() { return registry_.host() + "/" + kImage; }
  TokenServer tokens_;
  AuxRegistry registry_;
};

TEST_F(TokenAuthTest, BearerTokenFromUsernameAndPasswordIsCached) {
  std::string id;
  v1::AuthConfig auth = UserPassword();
  grpc::Status s = Pull(image(), &id, &auth);
  ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << registry_.log();
  // One token serves the manifest, the config and every layer.
  EXPECT_THAT(tokens_.Issued(), Le(1));
  ASSERT_TRUE(Remove(id).ok());
  ASSERT_TRUE(Pull(image(), &id, &auth).ok());
  EXPECT_THAT(tokens_.Issued(), Le(1));
}

TEST_F(TokenAuthTest, IdentityTokenIsExchangedForAnAccessToken) {
  v1::AuthConfig auth;
  auth.set_identity_token("crisp-lab-refresh-token");
  std::string id;
  grpc::Status s = Pull(image(), &id, &auth);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(TokenAuthTest, RegistryTokenIsUsedAsIs) {
  v1::AuthConfig auth;
  auth.set_registry_token(
      tokens_.Token("repository:e2e-test-images/busybox:pull"));
  ASSERT_FALSE(auth.registry_token().empty());
  int before = tokens_.Issued();
  std::string id;
  grpc::Status s = Pull(image(), &id, &auth);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(tokens_.Issued(), before);
}

TEST_F(TokenAuthTest, NoCredentialsIsUnauthenticated) {
  std::string id;
  grpc::Status s = Pull(image(), &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << s.error_message();
}

class MirrorTest : public ImageTest {
 protected:
  void SetUp() override { SKIP_UNLESS_LAB_UP(); }
};

TEST_F(MirrorTest, AMirrorThatIsDownFallsBackToTheOrigin) {
  StartDaemon("[registries.\"" + LabRegistry() +
              "\"]\nmirrors = [\"http://127.0.0.1:" +
              std::to_string(FreePort()) + "\"]\n");
  std::string id;
  grpc::Status s = Pull(Lab(kImage), &id);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(MirrorTest, AnUnreachableRegistryIsServedByItsMirror) {
  // docker.io is not reachable offline: the lab mirrors it.
  StartDaemon("[registries.\"docker.io\"]\nmirrors = [\"http://" +
              LabRegistry() + "\"]\n");
  std::string id;
  grpc::Status s = Pull(std::string("docker.io/") + kImage, &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::Image img = Status(std::string("docker.io/") + kImage).image();
  EXPECT_EQ(img.id(), id);
  EXPECT_THAT(img.repo_tags(),
              ::testing::Contains(std::string("docker.io/") + kImage));
}

TEST_F(MirrorTest, MultiArchIndexResolvesToTheNodePlatform) {
  if (LabManifest("crisp/multiarch", "latest").empty()) {
    GTEST_FAIL() << "lab image crisp/multiarch:latest missing: run "
                    "hack/test-images.sh";
  }
  StartDaemon();
  std::string id;
  grpc::Status s = Pull(Lab("crisp/multiarch:latest"), &id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(id, ConfigDigest("crisp/multiarch", "latest"));
  // The repo digest is the index's, as docker and containerd record it.
  EXPECT_THAT(
      Status(id).image().repo_digests(),
      ::testing::Contains(Lab("crisp/multiarch") + "@" +
                          LabManifestDigest("crisp/multiarch", "latest")));
}

}  // namespace
}  // namespace crisp::testing
