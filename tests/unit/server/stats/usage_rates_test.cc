// CPU rates from consecutive samples: the first is 0, then the usage over
// the interval; counters that go back and gone ids are handled.
#include "server/runtime_service/usage_rates.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

constexpr int64_t kSecond = 1000000000;

TEST(UsageRatesTest, RateOverTheIntervalSinceThePreviousSample) {
  UsageRates rates;
  EXPECT_EQ(rates.NanoCores("p", 5 * kSecond, 100 * kSecond), 0u);
  // 2 s of CPU in 4 s of wall time: half a core.
  EXPECT_EQ(rates.NanoCores("p", 7 * kSecond, 104 * kSecond), kSecond / 2);
  // 3 cores for 10 s.
  EXPECT_EQ(rates.NanoCores("p", 37 * kSecond, 114 * kSecond), 3 * kSecond);
  // Another id has its own history.
  EXPECT_EQ(rates.NanoCores("c", 1, 114 * kSecond), 0u);
}

TEST(UsageRatesTest, ResetCounterAndStillClockGiveZero) {
  UsageRates rates;
  rates.NanoCores("p", 10 * kSecond, 100 * kSecond);
  EXPECT_EQ(rates.NanoCores("p", 1 * kSecond, 101 * kSecond), 0u);
  EXPECT_EQ(rates.NanoCores("p", 2 * kSecond, 101 * kSecond), 0u);
  // The reset sample became the base.
  EXPECT_EQ(rates.NanoCores("p", 3 * kSecond, 102 * kSecond), kSecond);
}

TEST(UsageRatesTest, LongIntervalsOfManyCoresDoNotOverflow) {
  UsageRates rates;
  const int64_t day = 86400 * kSecond;
  rates.NanoCores("p", 0, kSecond);
  EXPECT_EQ(
      rates.NanoCores("p", 256 * static_cast<uint64_t>(day), kSecond + day),
      256u * kSecond);
}

TEST(UsageRatesTest, GoneIdsAreDroppedAndTheCacheIsBounded) {
  UsageRates rates(2);
  rates.NanoCores("a", 1, 1);
  rates.NanoCores("b", 1, 2);
  rates.NanoCores("c", 1, 3);  // evicts a, the oldest
  EXPECT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates.NanoCores("a", 2, 4), 0u);  // a starts over
  rates.Retain({"a"});
  EXPECT_EQ(rates.size(), 1u);
  EXPECT_EQ(rates.NanoCores("a", 2 + kSecond, 4 + kSecond), kSecond);
}

}  // namespace
}  // namespace crisp::server
