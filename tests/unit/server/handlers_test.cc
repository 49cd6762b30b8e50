// RuntimeService handlers on a fake of containers::ContainerService: the
// handlers depend on the module's interface, so they run here without
// root, a database or a monitor.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "containers/container_service.h"
#include "gtest/gtest.h"
#include "server/runtime_service/runtime_service.h"

namespace crisp::server {
namespace {

class FakeContainers : public containers::ContainerService {
 public:
  void Add(containers::Container c, containers::ContainerStatus status) {
    statuses_[c.id] = status;
    containers_[c.id] = std::move(c);
  }

  absl::StatusOr<containers::Container> Get(const std::string& id) override {
    auto it = containers_.find(id);
    if (it == containers_.end()) {
      return absl::NotFoundError(absl::StrCat("container ", id, " not found"));
    }
    return it->second;
  }
  std::vector<containers::Container> List() override {
    std::vector<containers::Container> all;
    for (const auto& [id, c] : containers_) all.push_back(c);
    return all;
  }
  containers::ContainerStatus StatusOf(
      const containers::Container& c) const override {
    return statuses_.at(c.id);
  }
  std::string InfoJson(const containers::Container& c,
                       const containers::ContainerStatus&) const override {
    return absl::StrCat("{\"id\":\"", c.id, "\"}");
  }
  absl::Status Stop(const std::string& id, int64_t timeout) override {
    stops.emplace_back(id, timeout);
    return stop_result;
  }

  // Not reached by these tests.
  absl::StatusOr<containers::Container> Create(
      const containers::NewContainer&) override {
    return Unused();
  }
  absl::Status Start(const std::string&) override { return Unused(); }
  absl::Status Remove(const std::string&) override { return Unused(); }
  absl::StatusOr<containers::ExecResult> ExecSync(
      const std::string&, const std::vector<std::string>&,
      absl::Duration) override {
    return Unused();
  }
  absl::Status ReopenLog(const std::string&) override { return Unused(); }
  absl::Status Update(const std::string&,
                      const runtime::oci::Resources&) override {
    return Unused();
  }
  absl::StatusOr<runtime::cgroups::Stats> Stats(
      const containers::Container&) const override {
    return Unused();
  }

  std::vector<std::pair<std::string, int64_t>> stops;
  absl::Status stop_result;

 private:
  static absl::Status Unused() { return absl::UnimplementedError("not faked"); }
  std::map<std::string, containers::Container> containers_;
  std::map<std::string, containers::ContainerStatus> statuses_;
};

containers::Container Web() {
  containers::Container c;
  c.id = "c0ffee";
  c.pod_id = "p0d";
  c.name = "web";
  c.attempt = 2;
  c.image_ref = "busybox:latest";
  c.labels = {{"app", "web"}};
  return c;
}

class HandlersTest : public ::testing::Test {
 protected:
  HandlersTest() {
    containers_.Add(Web(), {.state = containers::ContainerState::kRunning,
                            .started_at = 42});
  }

  Config config_;
  FakeContainers containers_;
  RuntimeService service_{{.config = &config_, .containers = &containers_}};
  grpc::ServerContext ctx_;
};

TEST_F(HandlersTest, ContainerStatusOfAnUnknownContainerIsNotFound) {
  v1::ContainerStatusRequest req;
  req.set_container_id("nope");
  v1::ContainerStatusResponse resp;
  grpc::Status s = service_.ContainerStatus(&ctx_, &req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "container nope not found");
  EXPECT_FALSE(resp.has_status());
}

TEST_F(HandlersTest, ContainerStatusFillsTheResponse) {
  v1::ContainerStatusRequest req;
  req.set_container_id("c0ffee");
  req.set_verbose(true);
  v1::ContainerStatusResponse resp;
  ASSERT_TRUE(service_.ContainerStatus(&ctx_, &req, &resp).ok());
  EXPECT_EQ(resp.status().id(), "c0ffee");
  EXPECT_EQ(resp.status().metadata().name(), "web");
  EXPECT_EQ(resp.status().metadata().attempt(), 2u);
  EXPECT_EQ(resp.status().state(), v1::CONTAINER_RUNNING);
  EXPECT_EQ(resp.status().started_at(), 42);
  EXPECT_EQ(resp.status().labels().at("app"), "web");
  EXPECT_EQ(resp.info().at("info"), "{\"id\":\"c0ffee\"}");
}

TEST_F(HandlersTest, StopContainerPassesItsTimeoutAndMapsTheError) {
  containers_.stop_result =
      absl::FailedPreconditionError("container c0ffee is being removed");
  v1::StopContainerRequest req;
  req.set_container_id("c0ffee");
  req.set_timeout(7);
  v1::StopContainerResponse resp;
  grpc::Status s = service_.StopContainer(&ctx_, &req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_EQ(containers_.stops.size(), 1u);
  EXPECT_EQ(containers_.stops[0], std::make_pair(std::string("c0ffee"), 7l));
}

TEST_F(HandlersTest, ListContainersKeepsThoseTheFilterMatches) {
  containers::Container exited = Web();
  exited.id = "dead";
  containers_.Add(exited, {.state = containers::ContainerState::kExited});
  v1::ListContainersRequest req;
  req.mutable_filter()->mutable_state()->set_state(v1::CONTAINER_RUNNING);
  v1::ListContainersResponse resp;
  ASSERT_TRUE(service_.ListContainers(&ctx_, &req, &resp).ok());
  ASSERT_EQ(resp.containers_size(), 1);
  EXPECT_EQ(resp.containers(0).id(), "c0ffee");
}

}  // namespace
}  // namespace crisp::server
