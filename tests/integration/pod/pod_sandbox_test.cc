// Pod sandboxes through the real crispd and Debian's CNI plugins: run,
// retry, status, list with filters, stop, remove, a crispd restart in
// between, host-network pods and bad requests. Each test has its own
// bridge, subnet and host-local store, all removed in TearDown.
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/support/crispd_process.h"
#include "tests/support/requirement.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Output of `sh -c cmd`.
std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

class PodSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CRISP_REQUIRE(geteuid() == 0, "pod sandboxes need root");
    CRISP_REQUIRE(access("/usr/lib/cni/bridge", X_OK) == 0,
                  "containernetworking-plugins is not installed");
    bridge_ = absl::StrCat("crispt", getpid() % 100000);
    subnet_prefix_ = absl::StrCat("10.203.", getpid() % 250, ".");
    ASSERT_TRUE(MakeDirs(crispd_.dir() + "/net.d", 0755).ok());
    nlohmann::json conf = {
        {"cniVersion", "1.0.0"},
        {"name", "crisp-test"},
        {"plugins",
         {{{"type", "bridge"},
           {"bridge", bridge_},
           {"isGateway", true},
           {"ipam",
            {{"type", "host-local"},
             {"dataDir", crispd_.dir() + "/ipam"},
             {"ranges", {{{{"subnet", subnet_prefix_ + "0/24"}}}}}}}},
          {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}}}}};
    std::ofstream(crispd_.dir() + "/net.d/10-test.conflist") << conf.dump();
    ASSERT_EQ(crispd_.Start(), "");
  }

  void TearDown() override {
    if (crispd_.pid() > 0) {
      v1::ListPodSandboxResponse list;
      (void)crispd_.client().Call(&v1::RuntimeService::Stub::ListPodSandbox,
                                  v1::ListPodSandboxRequest(), &list);
      for (const auto& p : list.items()) RemovePod(p.id());
    }
    // Whatever a failed test left mounted under the daemon's directory.
    Sh(absl::StrCat("grep -o ' ", crispd_.dir(),
                    "[^ ]*' /proc/self/mountinfo | xargs -r -n1 umount -l"));
    if (!bridge_.empty()) Sh("ip link del " + bridge_ + " 2>/dev/null");
  }

  v1::PodSandboxConfig Config(const std::string& name) {
    v1::PodSandboxConfig c;
    c.mutable_metadata()->set_name(name);
    c.mutable_metadata()->set_uid("uid-" + name);
    c.mutable_metadata()->set_namespace_("default");
    c.set_hostname(name);
    c.mutable_dns_config()->add_servers("10.0.0.10");
    c.mutable_dns_config()->add_searches("svc.cluster.local");
    (*c.mutable_labels())["app"] = name;
    (*c.mutable_annotations())["note"] = "test";
    return c;
  }

  grpc::Status RunPod(const v1::PodSandboxConfig& config, std::string* id,
                      const std::string& handler = "") {
    v1::RunPodSandboxRequest req;
    *req.mutable_config() = config;
    req.set_runtime_handler(handler);
    v1::RunPodSandboxResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::RunPodSandbox,
                                   req, &resp);
    *id = resp.pod_sandbox_id();
    return s;
  }

  // The id of a pod that must start; the error and crispd's log otherwise.
  std::string MustRun(const v1::PodSandboxConfig& config) {
    std::string id;
    grpc::Status s = RunPod(config, &id);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << crispd_.Log();
    return id;
  }

  grpc::Status Status(const std::string& id, v1::PodSandboxStatusResponse* r) {
    v1::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(id);
    req.set_verbose(true);
    return crispd_.client().Call(&v1::RuntimeService::Stub::PodSandboxStatus,
                                 req, r);
  }

  grpc::Status StopPod(const std::string& id) {
    v1::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    v1::StopPodSandboxResponse resp;
    return crispd_.client().Call(&v1::RuntimeService::Stub::StopPodSandbox, req,
                                 &resp);
  }

  grpc::Status RemovePod(const std::string& id) {
    v1::RemovePodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    v1::RemovePodSandboxResponse resp;
    return crispd_.client().Call(&v1::RuntimeService::Stub::RemovePodSandbox,
                                 req, &resp);
  }

  std::vector<std::string> List(const v1::PodSandboxFilter& filter) {
    v1::ListPodSandboxRequest req;
    *req.mutable_filter() = filter;
    v1::ListPodSandboxResponse resp;
    EXPECT_TRUE(crispd_.client()
                    .Call(&v1::RuntimeService::Stub::ListPodSandbox, req, &resp)
                    .ok());
    std::vector<std::string> ids;
    for (const auto& p : resp.items()) ids.push_back(p.id());
    return ids;
  }

  // The pod's netns file, from the verbose status.
  std::string Netns(const std::string& id) {
    v1::PodSandboxStatusResponse r;
    if (!Status(id, &r).ok()) return "";
    return nlohmann::json::parse(r.info().at("info")).value("netns", "");
  }

  CrispdProcess crispd_;
  std::string bridge_, subnet_prefix_;
};

TEST_F(PodSandboxTest, RunStatusListStopRemove) {
  std::string id = MustRun(Config("web"));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(id.size(), 64u);

  v1::PodSandboxStatusResponse st;
  ASSERT_TRUE(Status(id.substr(0, 8), &st).ok());
  EXPECT_EQ(st.status().id(), id);
  EXPECT_EQ(st.status().state(), v1::SANDBOX_READY);
  EXPECT_EQ(st.status().metadata().name(), "web");
  EXPECT_THAT(st.status().network().ip(), StartsWith(subnet_prefix_));
  EXPECT_EQ(st.status().linux().namespaces().options().network(), v1::POD);
  EXPECT_EQ(st.status().labels().at("app"), "web");
  EXPECT_GT(st.status().created_at(), 0);

  std::string netns = Netns(id);
  EXPECT_THAT(Sh("nsenter --net=" + netns + " ip -o -4 addr show eth0"),
              HasSubstr(st.status().network().ip() + "/24"));
  EXPECT_THAT(Sh("nsenter --net=" + netns + " ip -o link show lo"),
              HasSubstr("UP"));

  std::string again = MustRun(Config("web"));
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again, id) << "a retried RunPodSandbox returns the first pod";

  std::string other = MustRun(Config("db"));
  ASSERT_FALSE(other.empty());
  v1::PodSandboxFilter by_label;
  (*by_label.mutable_label_selector())["app"] = "db";
  EXPECT_EQ(List(by_label), std::vector<std::string>{other});
  v1::PodSandboxFilter by_id;
  by_id.set_id(id.substr(0, 10));
  EXPECT_EQ(List(by_id), std::vector<std::string>{id});

  ASSERT_TRUE(StopPod(id).ok());
  ASSERT_TRUE(StopPod(id).ok()) << "StopPodSandbox is idempotent";
  ASSERT_TRUE(Status(id, &st).ok());
  EXPECT_EQ(st.status().state(), v1::SANDBOX_NOTREADY);
  EXPECT_EQ(st.status().network().ip(), "");
  EXPECT_NE(access(netns.c_str(), F_OK), 0) << "netns unpinned";
  v1::PodSandboxFilter ready;
  ready.mutable_state()->set_state(v1::SANDBOX_READY);
  EXPECT_EQ(List(ready), std::vector<std::string>{other});

  ASSERT_TRUE(RemovePod(id).ok());
  EXPECT_TRUE(RemovePod(id).ok()) << "RemovePodSandbox is idempotent";
  EXPECT_EQ(Status(id, &st).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(RemovePod(other).ok());
  EXPECT_TRUE(List({}).empty());
  // host-local released both addresses.
  EXPECT_EQ(Sh("ls " + crispd_.dir() + "/ipam/crisp-test | grep -c " +
               subnet_prefix_),
            "0\n");
}

TEST_F(PodSandboxTest, SurvivesCrispdRestart) {
  std::string id = MustRun(Config("keep"));
  ASSERT_FALSE(id.empty());
  v1::PodSandboxStatusResponse before, after;
  ASSERT_TRUE(Status(id, &before).ok());
  ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());
  ASSERT_EQ(crispd_.Start(), "");
  ASSERT_TRUE(Status(id, &after).ok());
  EXPECT_EQ(after.status().state(), v1::SANDBOX_READY);
  EXPECT_EQ(after.status().network().ip(), before.status().network().ip());
  ASSERT_TRUE(StopPod(id).ok());
  ASSERT_TRUE(RemovePod(id).ok());
}

TEST_F(PodSandboxTest, HostNetworkPodHasNoPodIp) {
  v1::PodSandboxConfig c = Config("host");
  c.mutable_linux()
      ->mutable_security_context()
      ->mutable_namespace_options()
      ->set_network(v1::NODE);
  std::string id = MustRun(c);
  ASSERT_FALSE(id.empty());
  v1::PodSandboxStatusResponse st;
  ASSERT_TRUE(Status(id, &st).ok());
  EXPECT_EQ(st.status().state(), v1::SANDBOX_READY);
  EXPECT_EQ(st.status().network().ip(), "");
  EXPECT_EQ(st.status().linux().namespaces().options().network(), v1::NODE);
}

TEST_F(PodSandboxTest, BadRequestsChangeNothing) {
  std::string id;
  EXPECT_EQ(RunPod(v1::PodSandboxConfig(), &id).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(RunPod(Config("x"), &id, "no-such-handler").error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::PodSandboxConfig sysctl = Config("sysctl");
  (*sysctl.mutable_linux()->mutable_sysctls())["vm.swappiness"] = "1";
  EXPECT_EQ(RunPod(sysctl, &id).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::PodSandboxStatusResponse st;
  EXPECT_EQ(Status("0123456789ab", &st).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(List({}).empty());
}

}  // namespace
}  // namespace crisp::testing
