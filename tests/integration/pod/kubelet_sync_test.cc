// One kubelet's steady state replayed against a real crispd: 10 pods with a
// container each, and for a minute the calls kubelet makes on every sync
// (relist, stats for the Summary API and eviction, image filesystem, runtime
// status, ExecSync liveness probes, log rotation). Every call must succeed:
// a kubelet logs and retries each error, and marks the node or the pod
// unhealthy when they persist.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

using Stub = v1::RuntimeService::Stub;
using ImageStub = v1::ImageService::Stub;

constexpr int kPods = 10;
constexpr auto kSyncFor = std::chrono::seconds(60);

class KubeletSyncTest : public LabContainerFixture {
 protected:
  // A pod with one long-running container; its container id.
  std::string RunPodWithContainer(const std::string& name) {
    v1::PodSandboxConfig pc = PodConfig(name);
    std::string id = Create(MustRun(pc), pc, "app",
                            "while true; do echo tick; sleep 1; done");
    EXPECT_TRUE(crispd_.client().StartContainer(id).ok());
    return id;
  }

  // Counts failed calls by method; the first message of each is kept.
  void Record(const std::string& method, const grpc::Status& s) {
    ++calls_;
    if (s.ok()) return;
    if (errors_[method]++ == 0) first_error_[method] = s.error_message();
  }

  void Relist() {
    v1::ListPodSandboxResponse pods;
    Record("ListPodSandbox",
           crispd_.client().Call(&Stub::ListPodSandbox,
                                 v1::ListPodSandboxRequest(), &pods));
    EXPECT_EQ(pods.items_size(), kPods);
    v1::ListContainersResponse containers;
    Record("ListContainers",
           crispd_.client().Call(&Stub::ListContainers,
                                 v1::ListContainersRequest(), &containers));
    EXPECT_EQ(containers.containers_size(), kPods);
  }

  void Stats() {
    v1::ListPodSandboxStatsResponse pods;
    Record("ListPodSandboxStats",
           crispd_.client().Call(&Stub::ListPodSandboxStats,
                                 v1::ListPodSandboxStatsRequest(), &pods));
    v1::ListContainerStatsResponse containers;
    Record("ListContainerStats",
           crispd_.client().Call(&Stub::ListContainerStats,
                                 v1::ListContainerStatsRequest(), &containers));
    v1::ImageFsInfoResponse fs;
    Record("ImageFsInfo", crispd_.client().Call(&ImageStub::ImageFsInfo,
                                                v1::ImageFsInfoRequest(), &fs));
    v1::StatusResponse status;
    Record("Status", crispd_.client().Status(false, &status));
  }

  void Probe(const std::string& id) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    req.add_cmd("true");
    req.set_timeout(1);
    v1::ExecSyncResponse resp;
    grpc::Status s = crispd_.client().Call(&Stub::ExecSync, req, &resp);
    if (s.ok() && resp.exit_code() != 0) {
      s = grpc::Status(grpc::StatusCode::UNKNOWN, "probe exited non-zero");
    }
    Record("ExecSync", s);
  }

  void RotateLog(const std::string& id) {
    v1::ReopenContainerLogRequest req;
    req.set_container_id(id);
    v1::ReopenContainerLogResponse resp;
    Record("ReopenContainerLog",
           crispd_.client().Call(&Stub::ReopenContainerLog, req, &resp));
  }

  int calls_ = 0;
  std::map<std::string, int> errors_;
  std::map<std::string, std::string> first_error_;
};

TEST_F(KubeletSyncTest, AMinuteOfSyncLoopsOverTenPodsHasNoErrors) {
  if (!Ready()) return;
  std::vector<std::string> containers;
  for (int i = 0; i < kPods; ++i) {
    containers.push_back(RunPodWithContainer("sync" + std::to_string(i)));
  }
  ASSERT_FALSE(HasFailure()) << crispd_.Log();
  auto until = std::chrono::steady_clock::now() + kSyncFor;
  // Bounded: a sync round takes well over a millisecond.
  for (int round = 0; round < 60000 && std::chrono::steady_clock::now() < until;
       ++round) {
    Relist();
    Stats();
    for (const std::string& id : containers) Probe(id);
    if (round % 10 == 0) RotateLog(containers[round / 10 % kPods]);
  }
  EXPECT_GT(calls_, 10 * kPods);
  for (const auto& [method, count] : errors_) {
    ADD_FAILURE() << method << ": " << count
                  << " errors, the first: " << first_error_[method];
  }
}

}  // namespace
}  // namespace crisp::testing
