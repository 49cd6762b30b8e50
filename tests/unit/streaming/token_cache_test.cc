// Streaming tokens: single use, a minute to live, a cap on pending ones.
#include "streaming/token_cache.h"

#include "gtest/gtest.h"

namespace crisp::streaming {
namespace {

TEST(TokenCacheTest, TokenServesItsRequestOnce) {
  TokenCache cache;
  auto token = cache.Insert(ExecStreamRequest{"c1", {"ls"}, {}});
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->size(), 11u);
  EXPECT_EQ(token->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                                     "mnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto r = cache.Consume(*token);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::get<ExecStreamRequest>(*r).container_id, "c1");
  EXPECT_FALSE(cache.Consume(*token).has_value());
  EXPECT_FALSE(cache.Consume("unknown").has_value());
}

TEST(TokenCacheTest, TokensExpireAfterAMinute) {
  absl::Time now = absl::FromUnixSeconds(1000);
  TokenCache cache({absl::Minutes(1), 1000, [&] { return now; }});
  auto early = cache.Insert(AttachRequest{"c1", {}});
  auto late = cache.Insert(PortForwardRequest{"p1", {80}});
  ASSERT_TRUE(early.ok() && late.ok());
  now += absl::Seconds(59);
  EXPECT_TRUE(cache.Consume(*early).has_value());
  now += absl::Seconds(1);
  EXPECT_FALSE(cache.Consume(*late).has_value());
}

TEST(TokenCacheTest, TooManyPendingIsResourceExhaustedUntilTheyExpire) {
  absl::Time now = absl::FromUnixSeconds(1000);
  TokenCache cache({absl::Minutes(1), 2, [&] { return now; }});
  ASSERT_TRUE(cache.Insert(AttachRequest{}).ok());
  ASSERT_TRUE(cache.Insert(AttachRequest{}).ok());
  EXPECT_EQ(cache.Insert(AttachRequest{}).status().code(),
            absl::StatusCode::kResourceExhausted);
  now += absl::Minutes(1);
  EXPECT_TRUE(cache.Insert(AttachRequest{}).ok());
}

TEST(TokenCacheTest, TokensDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(NewToken());
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace crisp::streaming
