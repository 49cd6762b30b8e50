#include "server/runtime_service/pod_translate.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

v1::PodSandboxConfig Config() {
  v1::PodSandboxConfig c;
  c.mutable_metadata()->set_name("web");
  c.mutable_metadata()->set_uid("u1");
  c.mutable_metadata()->set_namespace_("prod");
  c.mutable_metadata()->set_attempt(2);
  c.set_hostname("web-0");
  c.mutable_dns_config()->add_servers("10.0.0.10");
  auto* p = c.add_port_mappings();
  p->set_protocol(v1::UDP);
  p->set_container_port(53);
  p->set_host_port(5353);
  (*c.mutable_labels())["app"] = "web";
  c.mutable_linux()->set_cgroup_parent("/kubepods/pod-u1");
  (*c.mutable_linux()->mutable_sysctls())["net.ipv4.ip_forward"] = "1";
  return c;
}

TEST(PodTranslateTest, ConfigBecomesPodSpec) {
  auto spec = ToPodSpec(Config(), "crisp");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->metadata.Key(), "web_prod_u1_2");
  EXPECT_EQ(spec->hostname, "web-0");
  EXPECT_EQ(spec->dns.servers, std::vector<std::string>{"10.0.0.10"});
  ASSERT_EQ(spec->port_mappings.size(), 1u);
  EXPECT_EQ(spec->port_mappings[0].protocol, "udp");
  EXPECT_EQ(spec->port_mappings[0].host_port, 5353);
  EXPECT_EQ(spec->cgroup_parent, "/kubepods/pod-u1");
  EXPECT_EQ(spec->sysctls.size(), 1u);
  EXPECT_FALSE(spec->host_network);
  // CRI's zero value for the PID mode is POD: one namespace for the pod.
  EXPECT_TRUE(spec->share_pid);
  EXPECT_EQ(spec->runtime_handler, "crisp");
}

TEST(PodTranslateTest, NamespaceModes) {
  v1::PodSandboxConfig c = Config();
  auto* ns = c.mutable_linux()
                 ->mutable_security_context()
                 ->mutable_namespace_options();
  ns->set_network(v1::NODE);
  ns->set_ipc(v1::NODE);
  ns->set_pid(v1::POD);
  auto spec = ToPodSpec(c, "");
  ASSERT_TRUE(spec.ok());
  EXPECT_TRUE(spec->host_network);
  EXPECT_TRUE(spec->host_ipc);
  EXPECT_TRUE(spec->share_pid);
  ns->mutable_userns_options()->set_mode(v1::POD);
  EXPECT_EQ(ToPodSpec(c, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PodTranslateTest, BadPortsAndHandlersAreRefused) {
  v1::PodSandboxConfig c = Config();
  c.mutable_port_mappings(0)->set_container_port(70000);
  EXPECT_EQ(ToPodSpec(c, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckRuntimeHandler("").ok());
  EXPECT_TRUE(CheckRuntimeHandler("crisp").ok());
  EXPECT_EQ(CheckRuntimeHandler("kata").code(), absl::StatusCode::kNotFound);
}

// Audit L6: a log directory and a cgroup parent become host paths.
TEST(PodTranslateTest, PathStringsThatEscapeAreInvalidArgument) {
  auto expect_invalid = [](const v1::PodSandboxConfig& c,
                           const std::string& field) {
    auto spec = ToPodSpec(c, "");
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_NE(spec.status().message().find(field), std::string::npos)
        << spec.status();
  };
  v1::PodSandboxConfig c = Config();
  c.set_log_directory("var/log/pods/x");
  expect_invalid(c, "log_directory");
  c.set_log_directory("/var/log/pods/../../etc");
  expect_invalid(c, "log_directory");
  c.set_log_directory("/var/log/pods/prod_web_u1");
  EXPECT_TRUE(ToPodSpec(c, "").ok());
  c.mutable_linux()->set_cgroup_parent("/kubepods/../../../sys");
  expect_invalid(c, "cgroup_parent");
  c.mutable_linux()->set_cgroup_parent("kubepods-besteffort-pod1.slice");
  EXPECT_TRUE(ToPodSpec(c, "").ok());
}

TEST(PodTranslateTest, StatusAndFilters) {
  sandbox::Pod pod;
  pod.id = "abcdef";
  pod.spec = *ToPodSpec(Config(), "");
  pod.state = sandbox::PodState::kReady;
  pod.ips = {"10.88.0.2", "fd00::2"};
  v1::PodSandboxStatus st;
  ToCriPodSandboxStatus(pod, &st);
  EXPECT_EQ(st.network().ip(), "10.88.0.2");
  ASSERT_EQ(st.network().additional_ips_size(), 1);
  EXPECT_EQ(st.network().additional_ips(0).ip(), "fd00::2");
  EXPECT_EQ(st.linux().namespaces().options().pid(), v1::POD);

  v1::PodSandboxFilter f;
  EXPECT_TRUE(MatchesFilter(pod, f));
  f.set_id("abc");
  EXPECT_TRUE(MatchesFilter(pod, f));
  f.mutable_state()->set_state(v1::SANDBOX_NOTREADY);
  EXPECT_FALSE(MatchesFilter(pod, f));
  f.clear_state();
  (*f.mutable_label_selector())["app"] = "db";
  EXPECT_FALSE(MatchesFilter(pod, f));
}

}  // namespace
}  // namespace crisp::server
