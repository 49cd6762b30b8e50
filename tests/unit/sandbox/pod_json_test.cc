#include "sandbox/pod_json.h"

#include "gtest/gtest.h"

namespace crisp::sandbox {
namespace {

TEST(PodJsonTest, RoundTripsEveryField) {
  Pod pod;
  pod.id = "abc";
  pod.spec.metadata = {"web", "uid1", "prod", 3};
  pod.spec.hostname = "web-0";
  pod.spec.log_directory = "/var/log/pods/x";
  pod.spec.dns = {{"10.0.0.10"}, {"svc.local"}, {"ndots:5"}};
  pod.spec.port_mappings = {{"udp", 53, 5353, "127.0.0.1"}};
  pod.spec.labels = {{"app", "web"}};
  pod.spec.annotations = {{"a", "b"}};
  pod.spec.cgroup_parent = "/kubepods/pod1";
  pod.spec.host_ipc = true;
  pod.spec.sysctls = {{"net.ipv4.ip_forward", "1"}};
  pod.spec.runtime_handler = "crisp";
  pod.state = PodState::kNotReady;
  pod.created_unix_nanos = 42;
  pod.dir = "/run/crisp/pods/abc";
  pod.namespaces = {"/n/net/abc", "", "/n/uts/abc"};
  pod.ips = {"10.88.0.2", "fd00::2"};
  pod.network_attached = true;

  auto back = PodFromJson(PodToJson(pod));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(PodToJson(*back), PodToJson(pod));
  EXPECT_EQ(back->spec.metadata.Key(), "web_prod_uid1_3");
  EXPECT_EQ(back->spec.port_mappings[0].host_port, 5353);
}

TEST(PodJsonTest, MalformedTextIsAnErrorNotACrash) {
  for (const char* text : {"", "[]", "{}", "{\"id\": 5}",
                           "{\"id\":\"x\",\"spec\":{\"name\":1}}"}) {
    auto pod = PodFromJson(text);
    EXPECT_EQ(pod.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace crisp::sandbox
