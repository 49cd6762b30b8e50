// What a container shares with its pod: namespaces, hostname, cgroup.
#include "server/specgen/container_spec.h"
#include "spec_fixture.h"

namespace crisp::server::specgen {
namespace {

class NamespacesTest : public SpecFixture {};

TEST_F(NamespacesTest, JoinsThePodsNamespaces) {
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(NamespacePath(*s, "network"), "/run/crisp/ns/net/pod123");
  EXPECT_EQ(NamespacePath(*s, "ipc"), "/run/crisp/ns/ipc/pod123");
  EXPECT_EQ(NamespacePath(*s, "uts"), "/run/crisp/ns/uts/pod123");
  EXPECT_TRUE(HasNamespace(*s, "mount"));
  EXPECT_TRUE(HasNamespace(*s, "pid"));
  EXPECT_EQ(NamespacePath(*s, "pid"), "");
  EXPECT_TRUE(HasNamespace(*s, "cgroup"));
  EXPECT_FALSE(HasNamespace(*s, "user"));
}

TEST_F(NamespacesTest, HostNamespacesHaveNoEntry) {
  pod_.namespaces = sandbox::PinnedNamespaces();
  pod_.spec.host_network = pod_.spec.host_ipc = pod_.spec.host_pid = true;
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  for (const char* ns : {"network", "ipc", "uts", "pid"}) {
    EXPECT_FALSE(HasNamespace(*s, ns)) << ns;
  }
  EXPECT_EQ(s->hostname, "");  // the node's own, untouched
}

TEST_F(NamespacesTest, PidNamespaceModes) {
  ContainerSpecInput in = Input();
  in.pid_namespace = "/proc/42/ns/pid";
  auto shared = BuildContainerSpec(in);
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ(NamespacePath(*shared, "pid"), "/proc/42/ns/pid");
  pod_.namespaces.pid = "/run/crisp/ns/pid/pod123";
  EXPECT_EQ(NamespacePath(*Build(), "pid"), "/run/crisp/ns/pid/pod123");
  EXPECT_EQ(NamespacePath(*BuildContainerSpec(in), "pid"), "/proc/42/ns/pid");
  auto* ns = Security()->mutable_namespace_options();
  ns->set_pid(v1::CONTAINER);
  ASSERT_TRUE(HasNamespace(*Build(), "pid"));
  EXPECT_EQ(NamespacePath(*Build(), "pid"), "");
  ns->set_pid(v1::NODE);
  EXPECT_FALSE(HasNamespace(*Build(), "pid"));
  ns->set_pid(v1::TARGET);
  ns->set_target_id("other");
  auto target = Build();
  EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(target.status().message().find("other"), std::string::npos);
}

TEST_F(NamespacesTest, CgroupsPath) {
  EXPECT_EQ(*ContainerCgroupsPath(pod_, "c1"), "/crisp/c1");
  pod_.spec.cgroup_parent = "/kubepods/burstable/pod-u1/";
  EXPECT_EQ(*ContainerCgroupsPath(pod_, "c1"),
            "/kubepods/burstable/pod-u1/crisp-c1");
  pod_.spec.cgroup_parent = "kubepods";
  EXPECT_EQ(*ContainerCgroupsPath(pod_, "c1"), "/kubepods/crisp-c1");
  EXPECT_EQ(Build()->linux->cgroups_path, "/kubepods/crisp-c1");
}

}  // namespace
}  // namespace crisp::server::specgen
