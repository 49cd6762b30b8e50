#include "image/inflight.h"

#include "image/registry/download_slots.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace crisp::image {
namespace {

TEST(InFlightTest, ConcurrentCallersForOneKeyRunTheWorkOnce) {
  InFlight inflight;
  std::atomic<int> runs{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::Status s = inflight.Run(
          "k", [&] { return done.load(); },
          [&] {
            ++runs;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            done = true;
            return absl::OkStatus();
          });
      EXPECT_TRUE(s.ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
}

TEST(InFlightTest, AFailedRunLetsTheNextCallerTry) {
  InFlight inflight;
  int runs = 0;
  auto fail = [&] {
    ++runs;
    return absl::UnavailableError("no");
  };
  EXPECT_FALSE(inflight
                   .Run(
                       "k", [] { return false; }, fail)
                   .ok());
  EXPECT_FALSE(inflight
                   .Run(
                       "k", [] { return false; }, fail)
                   .ok());
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(inflight
                  .Run(
                      "k", [] { return true; }, fail)
                  .ok());
  EXPECT_EQ(runs, 2);
}

// Security audit H1: work that throws must not leave its key marked as
// running, or every later caller for that key waits forever.
TEST(InFlightTest, AThrowingRunDoesNotWedgeLaterCallers) {
  // Leaked if a caller stays wedged, so its blocked thread never sees a
  // destroyed object.
  auto* inflight = new InFlight;
  EXPECT_THROW((void)inflight->Run(
                   "k", [] { return false; },
                   []() -> absl::Status { throw std::runtime_error("boom"); }),
               std::runtime_error);
  auto finished = std::make_shared<absl::Notification>();
  std::thread later([inflight, finished] {
    (void)inflight->Run(
        "k", [] { return false; }, [] { return absl::OkStatus(); });
    finished->Notify();
  });
  later.detach();
  ASSERT_TRUE(finished->WaitForNotificationWithTimeout(absl::Seconds(5)))
      << "the caller after a throwing run is still waiting";
  delete inflight;
}

TEST(DownloadSlotsTest, NoMoreHoldersThanSlots) {
  DownloadSlots slots(2);
  std::atomic<int> now{0}, peak{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      DownloadSlots::Slot slot(&slots);
      int n = ++now;
      int p = peak.load();
      while (n > p && !peak.compare_exchange_weak(p, n)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --now;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(peak.load(), 2);
}

}  // namespace
}  // namespace crisp::image
