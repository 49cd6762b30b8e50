// The in-memory half of the pod and container spine: lookup by unique id
// prefix and by key, and the key reservation a retried create waits on.
#include "common/object_set.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace crisp {
namespace {

struct Thing {
  std::string id;
  std::string name;
};

std::string IdOf(const std::string& prefix) {
  return prefix + std::string(64 - prefix.size(), '0');
}

class ObjectSetTest : public ::testing::Test {
 protected:
  void Publish(const Thing& t) {
    ASSERT_TRUE(set_.Index(t.id).ok());
    set_.Set(t);
  }
  ObjectSet<Thing> set_{"thing", [](const Thing& t) { return t.name; }};
};

TEST_F(ObjectSetTest, AUniquePrefixResolvesToItsObject) {
  Publish({IdOf("abc"), "a"});
  Publish({IdOf("abd"), "b"});
  EXPECT_EQ(*set_.Resolve("abc"), IdOf("abc"));
  auto got = set_.Get("abd");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->name, "b");
  EXPECT_EQ(set_.Get(IdOf("abc"))->name, "a");
}

TEST_F(ObjectSetTest, AnAmbiguousPrefixIsInvalidAndNamesTheKind) {
  Publish({IdOf("abc"), "a"});
  Publish({IdOf("abd"), "b"});
  auto got = set_.Get("ab");
  EXPECT_TRUE(absl::IsInvalidArgument(got.status())) << got.status();
  EXPECT_EQ(got.status().message().substr(0, 7), "thing: ");
  EXPECT_TRUE(absl::IsInvalidArgument(set_.Resolve("").status()));
}

TEST_F(ObjectSetTest, AMissingIdIsNotFound) {
  Publish({IdOf("abc"), "a"});
  EXPECT_TRUE(absl::IsNotFound(set_.Get("f").status()));
  EXPECT_FALSE(set_.Find(IdOf("f")).has_value());
  // Indexed but not (or no longer) kept: NotFound, not a crash.
  ASSERT_TRUE(set_.Index(IdOf("e")).ok());
  auto got = set_.Get("e");
  EXPECT_TRUE(absl::IsNotFound(got.status()));
  EXPECT_EQ(got.status().message(), "thing " + IdOf("e") + " not found");
}

TEST_F(ObjectSetTest, FindsByKeyAndForgetsWhatIsErased) {
  Publish({IdOf("a"), "web"});
  EXPECT_EQ(set_.FindByKey("web")->id, IdOf("a"));
  EXPECT_FALSE(set_.FindByKey("db").has_value());
  set_.Unindex(IdOf("a"));
  set_.Erase(IdOf("a"));
  EXPECT_FALSE(set_.FindByKey("web").has_value());
  EXPECT_TRUE(set_.List().empty());
}

TEST_F(ObjectSetTest, ListsInIdOrder) {
  Publish({IdOf("b"), "2"});
  Publish({IdOf("a"), "1"});
  std::vector<Thing> all = set_.List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "1");
  EXPECT_EQ(all[1].name, "2");
  int seen = 0;
  set_.ForEach([&](const Thing&) { ++seen; });
  EXPECT_EQ(seen, 2);
}

TEST_F(ObjectSetTest, AnIdIsIndexedOnce) {
  ASSERT_TRUE(set_.Index(IdOf("a")).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(set_.Index(IdOf("a"))));
  EXPECT_TRUE(absl::IsInvalidArgument(set_.Index("short")));
}

// kubelet resends a create after its own timeout: the retry waits for the
// first to finish, then finds what it made instead of making a second.
TEST_F(ObjectSetTest, ARetriedCreateWaitsForTheFirstAndFindsItsObject) {
  std::atomic<int> made{0};
  auto create = [&](const std::string& id) {
    LockTable::Guard reservation = set_.Reserve("web");
    if (auto found = set_.FindByKey("web")) return found->id;
    absl::SleepFor(absl::Milliseconds(50));  // the slow part of a create
    ++made;
    Publish({id, "web"});
    return id;
  };
  std::string first, second;
  std::thread a([&] { first = create(IdOf("a")); });
  absl::SleepFor(absl::Milliseconds(10));
  std::thread b([&] { second = create(IdOf("b")); });
  a.join();
  b.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(first, second);
  EXPECT_EQ(set_.List().size(), 1u);
}

// A create that failed releases its reservation: the retry makes one.
TEST_F(ObjectSetTest, AFailedCreateReleasesItsKey) {
  { LockTable::Guard reservation = set_.Reserve("web"); }
  absl::Notification done;
  std::thread retry([&] {
    LockTable::Guard reservation = set_.Reserve("web");
    done.Notify();
  });
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  retry.join();
}

TEST_F(ObjectSetTest, KeysAndIdsDoNotShareLocks) {
  LockTable::Guard reservation = set_.Reserve(IdOf("a"));
  absl::Notification locked;
  std::thread other([&] {
    LockTable::Guard lock = set_.Lock(IdOf("a"));
    locked.Notify();
  });
  EXPECT_TRUE(locked.WaitForNotificationWithTimeout(absl::Seconds(10)));
  other.join();
}

}  // namespace
}  // namespace crisp
