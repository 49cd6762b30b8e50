// The registry client against a fake registry on 127.0.0.1 (fake_http.h).
#include "image/registry/registry_client.h"

#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/content/digester.h"
#include "image/registry/address_policy.h"
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

// Security audit L2: a host that merely starts with "127." is a host name,
// not loopback, so it is not tried over plain HTTP (carrying whatever
// Authorization the session holds).
TEST(RegistryClientTest, HostsThatOnlyStartWith127AreNotLoopback) {
  RegistryOptions none;
  EXPECT_FALSE(
      EndpointsFor("127.example.com", none).back().may_fall_back_to_http);
  EXPECT_FALSE(EndpointsFor("127.0.0.1.example.com:5000", none)
                   .back()
                   .may_fall_back_to_http);
  EXPECT_TRUE(
      EndpointsFor("127.0.0.1:5000", none).back().may_fall_back_to_http);
  EXPECT_TRUE(EndpointsFor("127.1.2.3", none).back().may_fall_back_to_http);
  EXPECT_TRUE(EndpointsFor("[::1]:5000", none).back().may_fall_back_to_http);
  EXPECT_TRUE(
      EndpointsFor("localhost:5000", none).back().may_fall_back_to_http);
  EXPECT_FALSE(IsLoopbackHost("127.example.com"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_EQ(ClassifyAddress("::ffff:169.254.169.254"),
            AddressClass::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("fe80::1%eth0"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("169.254.0.1"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("10.0.0.1"), AddressClass::kOther);
}

// Security audit L2: credentials that name their registry
// (AuthConfig.server_address) are offered to that registry only, as
// containerd's ParseAuth does.
TEST(RegistryClientTest, CredentialsNamingAnotherRegistryAreNotSent) {
  std::atomic<int> with_auth{0};
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.headers.count("authorization") > 0) {
      ++with_auth;
      return FakeResponse{200, kOciManifest, R"({"schemaVersion":2})"};
    }
    FakeResponse challenge{401, "application/json", "{}"};
    challenge.headers["WWW-Authenticate"] = "Basic realm=\"x\"";
    return challenge;
  });
  RegistryOptions options;
  options.attempts = 1;
  RegistryClient client(options);
  auto ref = ParseReference(server.host() + "/lib/img:latest");
  ASSERT_TRUE(ref.ok()) << ref.status();
  Credentials creds{.username = "user", .password = "secret"};
  creds.server_address = "https://registry.example.com/v1/";
  auto refused = client.Open(*ref, creds)->GetManifest("latest");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated)
      << refused.status();
  EXPECT_EQ(with_auth.load(), 0);
  creds.server_address = "http://" + server.host();
  auto sent = client.Open(*ref, creds)->GetManifest("latest");
  EXPECT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(with_auth.load(), 1);
}

TEST(RegistryClientTest, ServerAddressMatchesAsContainerdDoesWithHubAliases) {
  Credentials c{.username = "u"};
  EXPECT_TRUE(CredentialsApplyTo(c, "mirror.local:5000"));  // none named
  c.server_address = "https://index.docker.io/v1/";
  EXPECT_TRUE(CredentialsApplyTo(c, "registry-1.docker.io"));
  EXPECT_FALSE(CredentialsApplyTo(c, "mirror.local:5000"));
  c.server_address = "mirror.local:5000";
  EXPECT_TRUE(CredentialsApplyTo(c, "mirror.local:5000"));
  EXPECT_FALSE(CredentialsApplyTo(c, "mirror.local"));
  EXPECT_FALSE(CredentialsApplyTo(c, "registry-1.docker.io"));
}

// Security audit L3: a registry may not redirect crispd to a link-local
// address (a cloud metadata service); the connection is refused before it
// is made.
TEST(RegistryClientTest, RedirectsToLinkLocalAddressesAreRefused) {
  for (std::string target : {"http://169.254.169.254/latest/meta-data/",
                             "http://[fe80::1]/latest/meta-data/"}) {
    FakeHttpServer server([&](const FakeRequest&) {
      FakeResponse r{302, "text/plain", ""};
      r.headers["Location"] = target;
      return r;
    });
    RegistryOptions options;
    options.attempts = 1;
    RegistryClient client(options);
    auto ref = ParseReference(server.host() + "/lib/img:latest");
    ASSERT_TRUE(ref.ok()) << ref.status();
    auto m = client.Open(*ref, {})->GetManifest("latest");
    EXPECT_EQ(m.status().code(), absl::StatusCode::kPermissionDenied)
        << target << ": " << m.status();
    EXPECT_THAT(m.status().message(), HasSubstr("link-local"));
  }
}

// Security audit L3: a redirect reaches loopback only when the registry
// itself is on loopback; otherwise a localhost-only port would answer a
// remote registry's redirect.
TEST(HttpClientTest, RedirectsReachLoopbackOnlyFromALoopbackRegistry) {
  FakeHttpServer local([](const FakeRequest&) {
    return FakeResponse{200, "text/plain", "local-only secret"};
  });
  FakeHttpServer registry([&](const FakeRequest&) {
    FakeResponse r{307, "text/plain", ""};
    r.headers["Location"] = local.url("/admin");
    return r;
  });
  HttpRequest req;
  req.url = registry.url("/v2/");
  req.loopback_ok = false;  // as for a registry that is not on loopback
  auto refused = HttpDo(req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
      << (refused.ok() ? refused->body : refused.status().ToString());
  EXPECT_THAT(refused.status().message(), HasSubstr("loopback"));
  EXPECT_EQ(local.requests(), 0);
  req.loopback_ok = true;
  auto allowed = HttpDo(req);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->body, "local-only secret");
}

// Security audit L3: what a registry answers with an error status stays in
// crispd's log; the PullImage error (which reaches the pod's author) names
// the object, the registry and the status only.
TEST(RegistryClientTest, ErrorBodiesStayOutOfErrors) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeResponse{500, "text/plain", "metadata-token=SECRET-1234"};
  });
  RegistryOptions options;
  options.attempts = 1;
  RegistryClient client(options);
  auto ref = ParseReference(server.host() + "/lib/img:latest");
  ASSERT_TRUE(ref.ok()) << ref.status();
  auto m = client.Open(*ref, {})->GetManifest("latest");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), ::testing::Not(HasSubstr("SECRET")));
  EXPECT_THAT(m.status().message(), HasSubstr("HTTP 500"));
  EXPECT_THAT(m.status().message(), HasSubstr(server.host()));
  EXPECT_THAT(m.status().message(), HasSubstr("lib/img:latest"));
}

// Security audit L9: a registry sending a byte just often enough to dodge
// the stall timer still fails the transfer once it is slower than the
// minimum rate.
TEST(HttpClientTest, ATransferSlowerThanTheMinimumRateFails) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r{200, "application/octet-stream", std::string(80, 'x')};
    r.trickle_ms = 100;  // 10 bytes/s for 8 s
    return r;
  });
  HttpRequest req;
  req.url = server.url("/v2/lib/img/blobs/x");
  req.timeouts.stall_seconds = 60;
  req.timeouts.low_speed_bytes = 1000;
  req.timeouts.low_speed_seconds = 2;
  auto resp = HttpDo(req);
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded)
      << (resp.ok() ? "completed: " + resp->body : resp.status().ToString());
}

// Security audit L9: a transfer whose client went away stops.
TEST(HttpClientTest, ACancelledTransferStops) {
  FakeHttpServer server([](const FakeRequest&) {
    FakeResponse r{200, "application/octet-stream", std::string(80, 'x')};
    r.trickle_ms = 100;
    return r;
  });
  HttpRequest req;
  req.url = server.url("/v2/lib/img/blobs/x");
  size_t received = 0;
  req.sink = [&](long, const char*, size_t n) {
    received += n;
    return absl::OkStatus();
  };
  req.cancelled = [&] { return received >= 3; };
  auto resp = HttpDo(req);
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kCancelled)
      << (resp.ok() ? "completed" : resp.status().ToString());
  EXPECT_LT(received, 80u);
}

}  // namespace
}  // namespace crisp::image
