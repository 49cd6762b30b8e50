// GetContainerEvents through the real crispd (kubelet's evented PLEG): two
// subscribers see a container's CREATED, STARTED, STOPPED and DELETED in
// order, with the pod's status and its containers' statuses; the pod's own
// events carry its id; an exit while crispd was killed comes as STOPPED
// after the restart; an open stream does not hold up crispd's shutdown.
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::ElementsAre;

// One GetContainerEvents stream, read on a thread of its own.
class EventStream {
 public:
  explicit EventStream(CriClient& client) {
    reader_ =
        client.runtime().GetContainerEvents(&ctx_, v1::GetEventsRequest());
    // Sent by crispd once it has subscribed: nothing after this is missed.
    reader_->WaitForInitialMetadata();
    thread_ = std::thread([this] { Read(); });
  }
  ~EventStream() {
    ctx_.TryCancel();
    thread_.join();
  }

  // Every event received until `done` holds for one (bounded: 60 s).
  std::vector<v1::ContainerEventResponse> Until(
      const std::function<bool(const v1::ContainerEventResponse&)>& done) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::seconds(60), [&] {
      for (const auto& e : events_) {
        if (done(e)) return true;
      }
      return finished_;
    });
    return events_;
  }
  std::vector<v1::ContainerEventResponse> UntilEvent(
      const std::string& id, v1::ContainerEventType type) {
    return Until([&](const v1::ContainerEventResponse& e) {
      return e.container_id() == id && e.container_event_type() == type;
    });
  }
  // How the stream ended (bounded: 60 s); nullopt while it is open.
  std::optional<grpc::Status> Ended() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::seconds(60), [&] { return finished_; });
    return finished_ ? std::optional<grpc::Status>(status_) : std::nullopt;
  }

 private:
  void Read() {
    v1::ContainerEventResponse e;
    while (reader_->Read(&e)) {
      std::lock_guard<std::mutex> l(mu_);
      events_.push_back(e);
      cv_.notify_all();
    }
    grpc::Status s = reader_->Finish();
    std::lock_guard<std::mutex> l(mu_);
    status_ = s;
    finished_ = true;
    cv_.notify_all();
  }

  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::ContainerEventResponse>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::ContainerEventResponse> events_;
  grpc::Status status_;
  bool finished_ = false;
};

std::vector<v1::ContainerEventType> TypesOf(
    const std::vector<v1::ContainerEventResponse>& events,
    const std::string& id) {
  std::vector<v1::ContainerEventType> out;
  for (const auto& e : events) {
    if (e.container_id() == id) out.push_back(e.container_event_type());
  }
  return out;
}

const v1::ContainerEventResponse* Find(
    const std::vector<v1::ContainerEventResponse>& events,
    const std::string& id, v1::ContainerEventType type) {
  for (const auto& e : events) {
    if (e.container_id() == id && e.container_event_type() == type) return &e;
  }
  return nullptr;
}

const v1::ContainerStatus* StatusIn(const v1::ContainerEventResponse& e,
                                    const std::string& id) {
  for (const auto& s : e.containers_statuses()) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

class ContainerEventsTest : public LabContainerFixture {};

TEST_F(ContainerEventsTest, TwoSubscribersSeeAContainersLifecycleInOrder) {
  EventStream a(crispd_.client()), b(crispd_.client());
  v1::PodSandboxConfig pc = PodConfig("events");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "c", "exec sleep 1000");
  ASSERT_TRUE(crispd_.client().StartContainer(id).ok());
  ASSERT_TRUE(crispd_.client().StopContainer(id, 0).ok());
  ASSERT_TRUE(crispd_.client().RemoveContainer(id).ok());

  for (EventStream* s : {&a, &b}) {
    auto events = s->UntilEvent(id, v1::CONTAINER_DELETED_EVENT);
    EXPECT_THAT(
        TypesOf(events, id),
        ElementsAre(v1::CONTAINER_CREATED_EVENT, v1::CONTAINER_STARTED_EVENT,
                    v1::CONTAINER_STOPPED_EVENT, v1::CONTAINER_DELETED_EVENT))
        << crispd_.Log();
    int64_t last = 0;
    for (const auto& e : events) {
      if (e.container_id() != id) continue;
      EXPECT_GE(e.created_at(), last);
      last = e.created_at();
      EXPECT_EQ(e.pod_sandbox_status().id(), pod);
      EXPECT_EQ(e.pod_sandbox_status().metadata().uid(), "uid-events");
    }
    const auto* stopped = Find(events, id, v1::CONTAINER_STOPPED_EVENT);
    ASSERT_NE(stopped, nullptr);
    const v1::ContainerStatus* st = StatusIn(*stopped, id);
    ASSERT_NE(st, nullptr);
    EXPECT_EQ(st->state(), v1::CONTAINER_EXITED);
    EXPECT_EQ(st->exit_code(), 128 + SIGKILL);
    const auto* deleted = Find(events, id, v1::CONTAINER_DELETED_EVENT);
    ASSERT_NE(deleted, nullptr);
    EXPECT_EQ(StatusIn(*deleted, id), nullptr) << "the deleted one is gone";
  }
}

TEST_F(ContainerEventsTest, APodsOwnEventsCarryItsIdAndStatus) {
  EventStream s(crispd_.client());
  std::string pod = MustRun(PodConfig("sandbox-events"));
  ASSERT_TRUE(StopPod(pod).ok());
  ASSERT_TRUE(RemovePod(pod).ok());
  auto events = s.UntilEvent(pod, v1::CONTAINER_DELETED_EVENT);
  EXPECT_THAT(
      TypesOf(events, pod),
      ElementsAre(v1::CONTAINER_CREATED_EVENT, v1::CONTAINER_STARTED_EVENT,
                  v1::CONTAINER_STOPPED_EVENT, v1::CONTAINER_DELETED_EVENT));
  // kubelet drops its cache of the pod on this event: it needs the uid,
  // read after the pod is gone.
  const auto* deleted = Find(events, pod, v1::CONTAINER_DELETED_EVENT);
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->pod_sandbox_status().id(), pod);
  EXPECT_EQ(deleted->pod_sandbox_status().metadata().uid(),
            "uid-sandbox-events");
  EXPECT_EQ(deleted->pod_sandbox_status().state(), v1::SANDBOX_NOTREADY);
}

// The exit happens while no crispd runs; the restarted crispd finds it
// before anyone can subscribe, and keeps the event for the first
// subscriber (kubelet reconnecting), as containerd does.
TEST_F(ContainerEventsTest, AnExitWhileCrispdWasKilledComesAfterTheRestart) {
  v1::PodSandboxConfig pc = PodConfig("restart-events");
  std::string pod = MustRun(pc);
  std::string flags = crispd_.dir() + "/flags";
  ASSERT_TRUE(MakeDirs(flags, 0755).ok());
  std::string id = Create(
      pod, pc, "waits", "while [ ! -e /flags/go ]; do sleep 0.05; done; exit 3",
      [&](v1::ContainerConfig* c) {
        auto* m = c->add_mounts();
        m->set_container_path("/flags");
        m->set_host_path(flags);
      });
  ASSERT_TRUE(crispd_.client().StartContainer(id).ok());
  ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());

  std::ofstream(flags + "/go") << "go";
  std::string exit_json = crispd_.state() + "/containers/" + id + "/exit.json";
  for (int i = 0; i < 2000 && access(exit_json.c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(access(exit_json.c_str(), F_OK), 0) << "the container never exited";

  ASSERT_EQ(crispd_.Start(), "");
  EventStream s(crispd_.client());
  auto events = s.UntilEvent(id, v1::CONTAINER_STOPPED_EVENT);
  EXPECT_THAT(TypesOf(events, id), ElementsAre(v1::CONTAINER_STOPPED_EVENT))
      << crispd_.Log();
  const auto* stopped = Find(events, id, v1::CONTAINER_STOPPED_EVENT);
  ASSERT_NE(stopped, nullptr);
  const v1::ContainerStatus* st = StatusIn(*stopped, id);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->state(), v1::CONTAINER_EXITED);
  EXPECT_EQ(st->exit_code(), 3);
  EXPECT_EQ(stopped->pod_sandbox_status().metadata().uid(),
            "uid-restart-events");

  // Published once: the next restart has nothing new to say about it.
  ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());
  ASSERT_EQ(crispd_.Start(), "");
  EventStream again(crispd_.client());
  ASSERT_TRUE(crispd_.client().RemoveContainer(id).ok());
  auto after = again.UntilEvent(id, v1::CONTAINER_DELETED_EVENT);
  EXPECT_THAT(TypesOf(after, id), ElementsAre(v1::CONTAINER_DELETED_EVENT));
}

// With an hour to drain RPCs, crispd would wait that long on an open
// stream that never ends by itself.
TEST_F(ContainerEventsTest, AnOpenStreamDoesNotHoldUpShutdown) {
  ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());
  ASSERT_EQ(crispd_.Start({.extra_config = "shutdown_timeout_seconds = 3600"}),
            "");
  EventStream s(crispd_.client());
  ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(60)).has_value())
      << "crispd did not shut down";
  std::optional<grpc::Status> ended = s.Ended();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->error_code(), grpc::StatusCode::UNAVAILABLE)
      << ended->error_message();
}

}  // namespace
}  // namespace crisp::testing
