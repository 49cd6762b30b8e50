#include "common/event_hub.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace crisp::events {
namespace {

using Wait = Subscription::Wait;

Event E(Kind kind, const std::string& id) { return {kind, id, "pod", 1}; }

// Everything queued now, without waiting.
std::vector<std::string> Drain(Subscription& s) {
  std::vector<std::string> out;
  Event e;
  while (s.Next(absl::ZeroDuration(), &e) == Wait::kEvent) {
    out.push_back(e.container_id + ":" + KindName(e.kind));
  }
  return out;
}

std::shared_ptr<Subscription> MustSubscribe(Hub& hub) {
  auto s = hub.Subscribe();
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : nullptr;
}

TEST(EventHubTest, EverySubscriberSeesEveryEventInOrder) {
  Hub hub;
  auto a = MustSubscribe(hub);
  auto b = MustSubscribe(hub);
  for (Kind k :
       {Kind::kCreated, Kind::kStarted, Kind::kStopped, Kind::kDeleted}) {
    hub.Publish(E(k, "c1"));
  }
  std::vector<std::string> want = {"c1:created", "c1:started", "c1:stopped",
                                   "c1:deleted"};
  EXPECT_EQ(Drain(*a), want);
  EXPECT_EQ(Drain(*b), want);
}

TEST(EventHubTest, ASubscriberSeesOnlyWhatCameAfterItSubscribed) {
  Hub hub;
  auto first = MustSubscribe(hub);
  hub.Publish(E(Kind::kCreated, "early"));
  auto late = MustSubscribe(hub);
  hub.Publish(E(Kind::kCreated, "late"));
  EXPECT_EQ(Drain(*first),
            (std::vector<std::string>{"early:created", "late:created"}));
  EXPECT_EQ(Drain(*late), std::vector<std::string>{"late:created"});
}

TEST(EventHubTest, ASlowSubscriberIsDroppedAndTheOthersKeepGoing) {
  Hub hub({.queue_capacity = 3});
  auto slow = MustSubscribe(hub);
  auto fast = MustSubscribe(hub);
  std::vector<std::string> fast_seen;
  for (int i = 0; i < 5; ++i) {
    hub.Publish(E(Kind::kCreated, std::to_string(i)));
    for (auto& s : Drain(*fast)) fast_seen.push_back(s);
  }
  EXPECT_EQ(fast_seen.size(), 5u);
  Event e;
  EXPECT_EQ(slow->Next(absl::ZeroDuration(), &e), Wait::kDropped);
  EXPECT_EQ(slow->Next(absl::Seconds(1), &e), Wait::kDropped);  // final
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST(EventHubTest, PublishNeverBlocksOnASubscriberThatDoesNotRead) {
  Hub hub({.queue_capacity = 2});
  auto idle = MustSubscribe(hub);
  // Many more than the queue holds: returns, having dropped the reader.
  for (int i = 0; i < 10000; ++i) hub.Publish(E(Kind::kCreated, "x"));
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST(EventHubTest, UnsubscribedReceivesNothingMore) {
  Hub hub;
  auto a = MustSubscribe(hub);
  auto b = MustSubscribe(hub);
  hub.Unsubscribe(a);
  hub.Publish(E(Kind::kStarted, "c"));
  EXPECT_TRUE(Drain(*a).empty());
  EXPECT_EQ(Drain(*b), std::vector<std::string>{"c:started"});
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST(EventHubTest, EventsWithNobodyListeningGoToTheNextSubscriberOnly) {
  Hub hub;
  hub.Publish(E(Kind::kStopped, "found-at-restart"));
  auto first = MustSubscribe(hub);
  auto second = MustSubscribe(hub);
  EXPECT_EQ(Drain(*first),
            std::vector<std::string>{"found-at-restart:stopped"});
  EXPECT_TRUE(Drain(*second).empty());
}

TEST(EventHubTest, TheBacklogKeepsTheNewestWithinItsBounds) {
  Hub hub({.queue_capacity = 10, .backlog_capacity = 2});
  for (const char* id : {"a", "b", "c"}) hub.Publish(E(Kind::kCreated, id));
  auto s = MustSubscribe(hub);
  EXPECT_EQ(Drain(*s), (std::vector<std::string>{"b:created", "c:created"}));
}

TEST(EventHubTest, TheBacklogForgetsEventsOlderThanItsAge) {
  Hub hub({.backlog_age = absl::ZeroDuration()});
  hub.Publish(E(Kind::kCreated, "old"));
  absl::SleepFor(absl::Milliseconds(2));
  auto s = MustSubscribe(hub);
  EXPECT_TRUE(Drain(*s).empty());
}

TEST(EventHubTest, ShutdownWakesAWaitingSubscriberAndRefusesNewOnes) {
  Hub hub;
  auto s = MustSubscribe(hub);
  Wait got = Wait::kEvent;
  std::thread reader([&] {
    Event e;
    // Would wait an hour if Shutdown did not wake it.
    got = s->Next(absl::Hours(1), &e);
  });
  hub.Shutdown();
  reader.join();
  EXPECT_EQ(got, Wait::kClosed);
  EXPECT_TRUE(absl::IsUnavailable(hub.Subscribe().status()));
}

TEST(EventHubTest, NextWaitsForAnEventPublishedFromAnotherThread) {
  Hub hub;
  auto s = MustSubscribe(hub);
  std::thread publisher([&] { hub.Publish(E(Kind::kStarted, "t")); });
  Event e;
  EXPECT_EQ(s->Next(absl::Hours(1), &e), Wait::kEvent);
  EXPECT_EQ(e.container_id, "t");
  publisher.join();
}

TEST(EventHubTest, ConcurrentPublishersKeepEachPublishersOrder) {
  Hub hub({.queue_capacity = 100000});
  auto s = MustSubscribe(hub);
  auto publish = [&](const std::string& id) {
    for (Kind k :
         {Kind::kCreated, Kind::kStarted, Kind::kStopped, Kind::kDeleted}) {
      hub.Publish(E(k, id));
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back(publish, std::to_string(i));
  for (auto& t : threads) t.join();
  std::map<std::string, int> next;
  Event e;
  int n = 0;
  while (s->Next(absl::ZeroDuration(), &e) == Wait::kEvent) {
    EXPECT_EQ(static_cast<int>(e.kind), next[e.container_id]++);
    ++n;
  }
  EXPECT_EQ(n, 32);
}

}  // namespace
}  // namespace crisp::events
