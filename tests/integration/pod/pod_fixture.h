// A crispd per test with a CNI network of its own (bridge, subnet and
// host-local store named after the test process, removed in TearDown) and
// helpers for the pod sandbox RPCs.
#pragma once

#include <string>
#include <vector>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/crispd_process.h"
#include "tests/support/requirement.h"

namespace crisp::testing {

// Output of `sh -c cmd`.
inline std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

class PodFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartWithNetwork(); }
  void StartWithNetwork() {
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
    // The default parent cgroup crispd made for pods without a parent of
    // their own; rmdir leaves it while anything else still uses it.
    Sh("rmdir /sys/fs/cgroup/*/crisp /sys/fs/cgroup/crisp 2>/dev/null");
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
    return crispd_.client().StopPodSandbox(id);
  }

  grpc::Status RemovePod(const std::string& id) {
    return crispd_.client().RemovePodSandbox(id);
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

}  // namespace crisp::testing
