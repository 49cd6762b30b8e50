#include "image/registry/registry_auth.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/registry/http_client.h"
#include "tests/unit/image/fake_http.h"

namespace crisp::image {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using ::testing::HasSubstr;

TEST(RegistryAuthTest, ParsesBearerChallengeWithQuotedParams) {
  auto ch = ParseChallenges(
      {R"(Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push")"});
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].scheme, "bearer");
  EXPECT_EQ(ch[0].params["realm"], "https://auth.io/token");
  EXPECT_EQ(ch[0].params["service"], "registry.io");
  EXPECT_EQ(ch[0].params["scope"], "repository:a/b:pull,push");
}

TEST(RegistryAuthTest, ParsesBasicAndEscapes) {
  auto ch = ParseChallenges({R"(Basic realm="a \"quoted\" realm")", "BASIC"});
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].scheme, "basic");
  EXPECT_EQ(ch[0].params["realm"], R"(a "quoted" realm)");
  EXPECT_EQ(ch[1].scheme, "basic");
}

TEST(RegistryAuthTest, DecodesAuthField) {
  auto c = DecodeAuth("Y3Jpc3A6Y3Jpc3Atc2VjcmV0");  // crisp:crisp-secret
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "crisp");
  EXPECT_EQ(c->password, "crisp-secret");
  EXPECT_FALSE(DecodeAuth("!!!").ok());
  EXPECT_FALSE(DecodeAuth("bm9jb2xvbg==").ok());  // "nocolon"
}

// The context of a registry on loopback whose (loopback) realm may receive
// credentials over plain HTTP.
AuthContext LoopbackRegistry(const Credentials* c, TokenCache* cache) {
  AuthContext ctx{c, "repository:x:pull", {}, {}, cache};
  ctx.loopback_ok = true;
  ctx.clear_text_ok = [](absl::string_view) { return true; };
  return ctx;
}

TEST(RegistryAuthTest, RegistryTokenIsSentAsIs) {
  Credentials c;
  c.registry_token = "tok";
  TokenCache cache;
  AuthContext ctx{&c, "repository:x:pull", {}, {}, &cache};
  auto h =
      Authorize(Challenge{"bearer", {{"realm", "http://127.0.0.1:1/"}}}, ctx);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Authorization: Bearer tok");
}

TEST(RegistryAuthTest, BasicNeedsCredentials) {
  Credentials none, c{"u", "p", "", ""};
  TokenCache cache;
  AuthContext ctx{&none, "", {}, {}, &cache};
  EXPECT_EQ(Authorize({"basic", {}}, ctx).status().code(),
            absl::StatusCode::kUnauthenticated);
  ctx.credentials = &c;
  EXPECT_EQ(*Authorize({"basic", {}}, ctx), "Authorization: Basic dTpw");
}

TEST(RegistryAuthTest, CachedTokenIsReusedUntilExpiry) {
  TokenCache cache;
  auto now = std::chrono::steady_clock::now();
  cache.Put("k", "v", now + std::chrono::hours(1));
  cache.Put("old", "v", now - std::chrono::seconds(1));
  EXPECT_EQ(cache.Get("k"), "v");
  EXPECT_EQ(cache.Get("old"), "");
  Credentials c;
  AuthContext ctx{&c, "scope", {}, {}, &cache};
  Challenge ch{"bearer", {{"realm", "https://r/t"}, {"service", "svc"}}};
  cache.Put(TokenCacheKey(ch, ctx), "Authorization: Bearer cached",
            now + std::chrono::hours(1));
  auto h = Authorize(ch, ctx);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(*h, "Authorization: Bearer cached");
}

// Security audit H1: a token server answering JSON of the wrong type gets
// an error naming the server and the field, not a nlohmann exception
// (which, in a layer download thread, aborted crispd).
TEST(RegistryAuthTest, HostileTokenServerAnswersAreErrors) {
  std::string body;
  FakeHttpServer server([&](const FakeRequest&) {
    return FakeResponse{200, "application/json", body};
  });
  Credentials c;
  TokenCache cache;
  AuthContext ctx = LoopbackRegistry(&c, &cache);
  Challenge ch{"bearer", {{"realm", server.url("/token")}}};
  struct Case {
    std::string body, error;
  } cases[] = {
      {R"({"token": 1})", "token: expected a string, got number"},
      {R"({"token": null})", "sent no token"},
      {R"({"token": "", "access_token": {}})",
       "access_token: expected a string, got object"},
      {R"({"token": "t", "expires_in": "300"})",
       "expires_in: expected an integer, got string"},
      {R"({"token": "t", "expires_in": 1.5})",
       "expires_in: expected an integer"},
      {R"([1])", "not a JSON object"},
  };
  for (const Case& tc : cases) {
    body = tc.body;
    auto h = Authorize(ch, ctx);
    EXPECT_FALSE(h.ok()) << tc.body;
    EXPECT_THAT(h.status().message(), HasSubstr("token server")) << tc.body;
    EXPECT_THAT(h.status().message(), HasSubstr(tc.error)) << tc.body;
  }
  body = R"({"token": "t", "expires_in": 99999999999999})";
  auto h = Authorize(ch, ctx);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(*h, "Authorization: Bearer t");
}

// Security audit H3: a cached token is only reused for the same secret,
// not merely the same username (GCR's oauth2accesstoken, ACR's all-zero
// user, robot accounts, a wrong password).
TEST(RegistryAuthTest, TokensAreCachedPerCredentialNotPerUser) {
  int issued = 0;
  FakeHttpServer server([&](const FakeRequest&) {
    return FakeResponse{
        200, "application/json",
        R"({"token": "tok)" + std::to_string(++issued) + R"("})"};
  });
  TokenCache cache;
  Challenge ch{"bearer", {{"realm", server.url("/token")}}};
  auto authorize = [&](const Credentials& c) {
    AuthContext ctx = LoopbackRegistry(&c, &cache);
    auto h = Authorize(ch, ctx);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.value_or("");
  };
  Credentials a{"user", "secret-a", "", ""}, b{"user", "secret-b", "", ""};
  Credentials id1{"user", "", "refresh-1", ""},
      id2{"user", "", "refresh-2", ""};
  EXPECT_EQ(authorize(a), "Authorization: Bearer tok1");
  EXPECT_EQ(authorize(a), "Authorization: Bearer tok1");  // cached
  EXPECT_EQ(authorize(b), "Authorization: Bearer tok2");
  EXPECT_EQ(authorize(id1), "Authorization: Bearer tok3");
  EXPECT_EQ(authorize(id2), "Authorization: Bearer tok4");
  EXPECT_EQ(authorize(id1), "Authorization: Bearer tok3");  // cached
  EXPECT_EQ(issued, 4);
}

// Review L9: the cache drops expired tokens and never grows past its cap.
TEST(RegistryAuthTest, TokenCacheSweepsExpiredEntriesAndIsBounded) {
  TokenCache cache;
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    cache.Put("old" + std::to_string(i), "v", now - std::chrono::seconds(1));
  }
  cache.Put("fresh", "v", now + std::chrono::hours(1));
  EXPECT_EQ(cache.size(), 1u);
  for (size_t i = 0; i < TokenCache::kMaxEntries + 10; ++i) {
    cache.Put("k" + std::to_string(i), "v",
              now + std::chrono::hours(2) + std::chrono::seconds(i));
  }
  EXPECT_EQ(cache.size(), TokenCache::kMaxEntries);
  // The newest entry stays; the one closest to expiry went first.
  EXPECT_EQ(cache.Get("k" + std::to_string(TokenCache::kMaxEntries + 9)), "v");
  EXPECT_EQ(cache.Get("fresh"), "");
}

// Security audit L3: the realm is the registry's choice: never a
// link-local address (cloud metadata), loopback only for a loopback
// registry.
TEST(RegistryAuthTest, TokenRealmsMayNotReachLinkLocalOrForeignLoopback) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeResponse{200, "application/json", R"({"token": "t"})"};
  });
  Credentials none;
  TokenCache cache;
  AuthContext ctx = LoopbackRegistry(&none, &cache);
  auto metadata = Authorize(
      {"bearer", {{"realm", "http://169.254.169.254/latest/api/token"}}}, ctx);
  EXPECT_EQ(metadata.status().code(), absl::StatusCode::kPermissionDenied)
      << metadata.status();
  EXPECT_THAT(metadata.status().message(), HasSubstr("link-local"));
  ctx.loopback_ok = false;  // a registry that is not on loopback
  auto local = Authorize({"bearer", {{"realm", server.url("/token")}}}, ctx);
  EXPECT_EQ(local.status().code(), absl::StatusCode::kPermissionDenied)
      << local.status();
  EXPECT_EQ(server.requests(), 0);
}

// Security audit L2: credentials (Basic or a refresh token) never go to a
// plain-HTTP realm the node did not allow; an anonymous token request may.
TEST(RegistryAuthTest, CredentialsAreNotSentToAPlainHttpRealm) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeResponse{200, "application/json", R"({"token": "t"})"};
  });
  TokenCache cache;
  Challenge ch{"bearer", {{"realm", server.url("/token")}}};
  Credentials basic{"user", "secret", "", ""}, refresh{"", "", "rt", ""};
  for (const Credentials* c : {&basic, &refresh}) {
    AuthContext ctx = LoopbackRegistry(c, &cache);
    ctx.clear_text_ok = [](absl::string_view) { return false; };
    auto h = Authorize(ch, ctx);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kFailedPrecondition)
        << h.status();
    EXPECT_THAT(h.status().message(), HasSubstr("plain HTTP"));
  }
  EXPECT_EQ(server.requests(), 0);
  Credentials none;
  AuthContext anonymous = LoopbackRegistry(&none, &cache);
  anonymous.clear_text_ok = [](absl::string_view) { return false; };
  auto h = Authorize(ch, anonymous);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(*h, "Authorization: Bearer t");
}

// Security audit L3: what the realm answers with an error stays in the log.
TEST(RegistryAuthTest, RealmErrorBodiesStayOutOfErrors) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeResponse{401, "text/plain", "instance-secret=SECRET-42"};
  });
  Credentials c{"user", "pw", "", ""};
  TokenCache cache;
  AuthContext ctx = LoopbackRegistry(&c, &cache);
  auto h = Authorize({"bearer", {{"realm", server.url("/token")}}}, ctx);
  EXPECT_EQ(h.status().code(), absl::StatusCode::kUnauthenticated)
      << h.status();
  EXPECT_THAT(h.status().message(), ::testing::Not(HasSubstr("SECRET")));
  EXPECT_THAT(h.status().message(), HasSubstr("HTTP 401"));
}

TEST(HttpClientTest, OriginsAndRedirectResolution) {
  EXPECT_EQ(UrlOrigin("https://Reg.io:5000/v2/x"), "https://reg.io:5000");
  EXPECT_EQ(ResolveUrl("https://r/v2/a/blobs/x", "/b?sig=1"),
            "https://r/b?sig=1");
  EXPECT_EQ(ResolveUrl("https://r/v2/a/blobs/x", "https://s3/x"),
            "https://s3/x");
  EXPECT_EQ(ResolveUrl("https://r/v2/a/blobs/x", "//cdn/x"), "https://cdn/x");
  EXPECT_EQ(ResolveUrl("https://r/v2/a/blobs/x", "y"),
            "https://r/v2/a/blobs/y");
}

}  // namespace
}  // namespace crisp::image
