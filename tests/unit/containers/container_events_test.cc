// The events the container lifecycle publishes, on the fake runtime: one
// per step, in lifecycle order, STOPPED exactly once (also for an exit
// found by a restart), and none for a create that was rolled back.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_hub.h"
#include "gmock/gmock.h"
#include "tests/unit/containers/manager_fixture.h"

namespace crisp::containers {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ContainerEventsTest : public ManagerTest {
 protected:
  void SetUp() override {
    events_ = &hub_;
    ManagerTest::SetUp();
    auto s = hub_.Subscribe();
    ASSERT_TRUE(s.ok()) << s.status();
    sub_ = *s;
  }

  // "id-prefix:kind" of what is queued now.
  std::vector<std::string> Queued() {
    std::vector<std::string> out;
    events::Event e;
    while (sub_->Next(absl::ZeroDuration(), &e) ==
           events::Subscription::Wait::kEvent) {
      out.push_back(Describe(e));
    }
    return out;
  }

  // The next event, waiting for the exit watcher's thread (bounded).
  std::string NextEvent() {
    events::Event e;
    if (sub_->Next(absl::Seconds(30), &e) !=
        events::Subscription::Wait::kEvent) {
      return "none";
    }
    return Describe(e);
  }

  static std::string Describe(const events::Event& e) {
    return absl::StrCat(e.container_id.substr(0, 6), ":",
                        events::KindName(e.kind));
  }
  static std::string Of(const Container& c, const char* kind) {
    return absl::StrCat(c.id.substr(0, 6), ":", kind);
  }

  events::Hub hub_;
  std::shared_ptr<events::Subscription> sub_;
};

TEST_F(ContainerEventsTest, CreateStartStopRemoveInOrder) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  ASSERT_TRUE(manager_->Stop(c.id, 0).ok());
  EXPECT_EQ(NextEvent(), Of(c, "created"));
  EXPECT_EQ(NextEvent(), Of(c, "started"));
  EXPECT_EQ(NextEvent(), Of(c, "stopped"));
  ASSERT_TRUE(manager_->Remove(c.id).ok());
  EXPECT_THAT(Queued(), ElementsAre(Of(c, "deleted")));
}

TEST_F(ContainerEventsTest, EventsCarryThePodAndATime) {
  Container c = MustCreate("app", "pod-b");
  events::Event e;
  ASSERT_EQ(sub_->Next(absl::ZeroDuration(), &e),
            events::Subscription::Wait::kEvent);
  EXPECT_EQ(e.container_id, c.id);
  EXPECT_EQ(e.pod_id, "pod-b");
  EXPECT_GT(e.at_unix_nanos, 0);
}

TEST_F(ContainerEventsTest, AnExitOnItsOwnIsPublishedWhenItHappens) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  EXPECT_THAT(Queued(), ElementsAre(Of(c, "created"), Of(c, "started")));
  runtime_->ExitOnItsOwn(c.id, 1);
  EXPECT_EQ(NextEvent(), Of(c, "stopped"));
}

TEST_F(ContainerEventsTest, RemovingARunningContainerStopsItFirst) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  ASSERT_TRUE(manager_->Remove(c.id).ok());
  std::vector<std::string> seen;
  for (std::string e = NextEvent(); e != "none"; e = NextEvent()) {
    seen.push_back(e);
    if (e == Of(c, "deleted")) break;
  }
  EXPECT_THAT(seen, ElementsAre(Of(c, "created"), Of(c, "started"),
                                Of(c, "stopped"), Of(c, "deleted")));
  EXPECT_THAT(Queued(), IsEmpty());  // the watcher adds no second STOPPED
}

TEST_F(ContainerEventsTest, AnExitWhileCrispdWasDownIsPublishedOnceAtRestart) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  manager_.reset();  // crispd is down
  runtime_->ExitOnItsOwn(c.id, 3);
  (void)Queued();
  Reopen();
  EXPECT_THAT(Queued(), ElementsAre(Of(c, "stopped")));
  Reopen();  // and not again at the next restart
  EXPECT_THAT(Queued(), IsEmpty());
}

TEST_F(ContainerEventsTest, ALostMonitorCountsAsAnExit) {
  Container c = MustCreate("app");
  ASSERT_TRUE(manager_->Start(c.id).ok());
  (void)Queued();
  runtime_->LoseHolder(c.id);
  EXPECT_EQ(NextEvent(), Of(c, "stopped"));
}

TEST_F(ContainerEventsTest, ARolledBackCreatePublishesNothing) {
  runtime_->FailNext(Verb::kCreate, absl::InternalError("injected"));
  EXPECT_FALSE(manager_->Create(Request("app")).ok());
  EXPECT_THAT(Queued(), IsEmpty());
}

TEST_F(ContainerEventsTest, ARetriedCreatePublishesOneCreated) {
  Container c = MustCreate("app");
  EXPECT_EQ(MustCreate("app").id, c.id);
  EXPECT_THAT(Queued(), ElementsAre(Of(c, "created")));
}

}  // namespace
}  // namespace crisp::containers
