// BuildContainerSpec end to end: what the parts add up to, and the rules
// that live in the recipe itself (resources, masked paths, AppArmor,
// annotations, errors).
#include "server/specgen/container_spec.h"

#include <algorithm>

#include "runtime/oci/json.h"
#include "server/specgen/capabilities.h"
#include "server/specgen/security.h"
#include "spec_fixture.h"

// The tests set CRI's deprecated string fields on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace crisp::server::specgen {
namespace {

using Strings = std::vector<std::string>;

class ContainerSpecTest : public SpecFixture {};

TEST_F(ContainerSpecTest, AnOrdinaryContainer) {
  config_.set_tty(true);
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->root->path, rootfs_);
  EXPECT_FALSE(s->root->readonly);
  const auto& p = *s->process;
  EXPECT_EQ(p.args, (Strings{"/bin/sh"}));  // command drops the image's Cmd
  EXPECT_TRUE(p.terminal);
  EXPECT_EQ(p.cwd, "/");
  EXPECT_EQ(p.user.uid, 0u);
  EXPECT_EQ(p.capabilities->bounding, DefaultCapabilities());
  EXPECT_FALSE(p.no_new_privileges);
  EXPECT_TRUE(p.rlimits.empty());
  EXPECT_EQ(p.apparmor_profile, "");
  EXPECT_NE(std::find(p.env.begin(), p.env.end(), "HOSTNAME=web-0"),
            p.env.end());
  EXPECT_EQ(s->hostname, "web-0");
  const auto& l = *s->linux;
  EXPECT_EQ(l.cgroups_path, "/crisp/c1");
  EXPECT_EQ(l.masked_paths, DefaultMaskedPaths());
  EXPECT_EQ(l.readonly_paths, DefaultReadonlyPaths());
  EXPECT_FALSE(l.seccomp.has_value());
  EXPECT_TRUE(l.sysctl.empty());
  EXPECT_FALSE(l.resources->devices.empty());
  EXPECT_FALSE(l.resources->devices[0].allow);
  EXPECT_FALSE(s->mounts.empty());
}

TEST_F(ContainerSpecTest, Resources) {
  auto* r = config_.mutable_linux()->mutable_resources();
  r->set_cpu_period(100000);
  r->set_cpu_quota(50000);
  r->set_cpu_shares(512);
  r->set_cpuset_cpus("0-1");
  r->set_cpuset_mems("0");
  r->set_memory_limit_in_bytes(64 << 20);
  r->set_oom_score_adj(500);
  auto* h = r->add_hugepage_limits();
  h->set_page_size("2MB");
  h->set_limit(4 << 21);
  (*r->mutable_unified())["memory.high"] = "50000000";
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& res = *s->linux->resources;
  EXPECT_EQ(res.cpu->period, 100000u);
  EXPECT_EQ(res.cpu->quota, 50000);
  EXPECT_EQ(res.cpu->shares, 512u);
  EXPECT_EQ(res.cpu->cpus, "0-1");
  EXPECT_EQ(res.cpu->mems, "0");
  EXPECT_EQ(res.memory->limit, 64 << 20);
  EXPECT_EQ(res.memory->swap, 64 << 20);  // no swapping by default
  ASSERT_EQ(res.hugepage_limits.size(), 1u);
  EXPECT_EQ(res.hugepage_limits[0].page_size, "2MB");
  EXPECT_EQ(res.unified.at("memory.high"), "50000000");
  EXPECT_EQ(s->process->oom_score_adj, 500);
  r->set_memory_swap_limit_in_bytes(128 << 20);
  EXPECT_EQ(Build()->linux->resources->memory->swap, 128 << 20);
  r->set_oom_score_adj(5000);
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ContainerSpecTest, NoResourcesLeavesThemUnset) {
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->linux->resources->cpu.has_value());
  EXPECT_FALSE(s->linux->resources->memory.has_value());
  EXPECT_FALSE(s->process->oom_score_adj.has_value());
}

TEST_F(ContainerSpecTest, SecurityContextFlags) {
  Security()->set_no_new_privs(true);
  Security()->set_readonly_rootfs(true);
  Security()->add_masked_paths("/proc/secret");
  Security()->add_readonly_paths("/proc/ro");
  Security()->mutable_seccomp()->set_profile_type(
      v1::SecurityProfile::RuntimeDefault);
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->process->no_new_privileges);
  EXPECT_TRUE(s->root->readonly);
  EXPECT_EQ(s->linux->masked_paths, Strings{"/proc/secret"});
  EXPECT_EQ(s->linux->readonly_paths, Strings{"/proc/ro"});
  ASSERT_TRUE(s->linux->seccomp.has_value());
  EXPECT_EQ(s->linux->seccomp->default_action, "SCMP_ACT_ERRNO");
}

TEST_F(ContainerSpecTest, AppArmor) {
  AppArmorState host;
  host.enabled = true;
  host.default_profile = absl::OkStatus();
  host.loaded = [](const std::string& name) -> absl::StatusOr<bool> {
    return name == "k8s-apparmor-example" || name == "deny-write";
  };
  auto build = [&] {
    ContainerSpecInput in = Input();
    in.apparmor = &host;
    return BuildContainerSpec(in);
  };
  auto* aa = Security()->mutable_apparmor();
  aa->set_profile_type(v1::SecurityProfile::Localhost);
  aa->set_localhost_ref("k8s-apparmor-example");
  EXPECT_EQ(build()->process->apparmor_profile, "k8s-apparmor-example");
  aa->set_profile_type(v1::SecurityProfile::RuntimeDefault);
  aa->clear_localhost_ref();
  EXPECT_EQ(build()->process->apparmor_profile, "crisp-default");
  EXPECT_EQ(Build()->process->apparmor_profile, "")
      << "without AppArmor RuntimeDefault is unconfined";
  Security()->clear_apparmor();
  Security()->set_apparmor_profile("localhost/deny-write");
  EXPECT_EQ(build()->process->apparmor_profile, "deny-write");
  Security()->set_apparmor_profile("unconfined");
  EXPECT_EQ(build()->process->apparmor_profile, "");
  Security()->set_apparmor_profile("bogus");
  EXPECT_EQ(build().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ContainerSpecTest, Privileged) {
  Security()->set_privileged(true);
  Security()->set_apparmor_profile("localhost/x");
  Security()->mutable_seccomp()->set_profile_type(
      v1::SecurityProfile::RuntimeDefault);
  Security()->add_masked_paths("/proc/kcore");
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->process->capabilities->bounding, AllCapabilities());
  EXPECT_EQ(s->process->apparmor_profile, "");
  EXPECT_FALSE(s->linux->seccomp.has_value());
  EXPECT_TRUE(s->linux->masked_paths.empty());
  EXPECT_TRUE(s->linux->readonly_paths.empty());
  EXPECT_FALSE(HasNamespace(*s, "cgroup"));
  ASSERT_EQ(s->linux->resources->devices.size(), 1u);
  EXPECT_TRUE(s->linux->resources->devices[0].allow);
  EXPECT_FALSE(s->linux->devices.empty());
}

TEST_F(ContainerSpecTest, Annotations) {
  (*config_.mutable_annotations())["team"] = "web";
  (*config_.mutable_annotations())["io.kubernetes.cri.sandbox-id"] = "fake";
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& a = s->annotations;
  EXPECT_EQ(a.at("team"), "web");
  EXPECT_EQ(a.at("io.kubernetes.cri.container-type"), "container");
  EXPECT_EQ(a.at("io.kubernetes.cri.container-name"), "app");
  EXPECT_EQ(a.at("io.kubernetes.cri.sandbox-id"), "pod123");
  EXPECT_EQ(a.at("io.kubernetes.cri.image-name"),
            "docker.io/library/busybox:latest");
  EXPECT_EQ(a.at("io.kubernetes.cri.sandbox-name"), "web");
  EXPECT_EQ(a.at("io.kubernetes.cri.sandbox-namespace"), "prod");
  EXPECT_EQ(a.at("io.kubernetes.cri.sandbox-uid"), "uid-1");
}

TEST_F(ContainerSpecTest, ImageUserAndEnvReachTheProcess) {
  config_.clear_command();
  image_.user = "www";
  image_.env = {"A=1"};
  image_.entrypoint = {"/ep"};
  image_.cmd = {"x"};
  image_.working_dir = "/srv";
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->process->args, (Strings{"/ep", "x"}));
  EXPECT_EQ(s->process->user.uid, 33u);
  EXPECT_EQ(s->process->user.gid, 34u);
  EXPECT_EQ(s->process->cwd, "/srv");
  EXPECT_TRUE(s->process->capabilities->effective.empty());  // non-root
  EXPECT_NE(std::find(s->process->env.begin(), s->process->env.end(), "A=1"),
            s->process->env.end());
}

TEST_F(ContainerSpecTest, SpecSurvivesJson) {
  Security()->mutable_seccomp()->set_profile_type(
      v1::SecurityProfile::RuntimeDefault);
  auto s = Build();
  ASSERT_TRUE(s.ok()) << s.status();
  auto back = runtime::oci::FromJson(runtime::oci::ToJson(*s));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(runtime::oci::ToJson(*back), runtime::oci::ToJson(*s));
}

TEST_F(ContainerSpecTest, BadInputIsInvalidArgument) {
  auto expect_invalid = [&](const std::string& fragment) {
    auto s = Build();
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
        << fragment << ": " << s.status();
    EXPECT_NE(s.status().message().find(fragment), std::string::npos)
        << s.status();
  };
  ContainerSpecInput no_image = Input();
  no_image.image_config = nullptr;
  auto s = BuildContainerSpec(no_image);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("image config"), std::string::npos)
      << s.status();
  image_ = {};
  config_.clear_command();
  expect_invalid("no command");
  config_.add_command("/bin/true");
  Security()->mutable_capabilities()->add_add_capabilities("WIZARDRY");
  expect_invalid("WIZARDRY");
  Security()->clear_capabilities();
  Security()->set_run_as_username("ghost");
  expect_invalid("ghost");
  Security()->clear_run_as_username();
  Security()->set_seccomp_profile_path("localhost/" + dir_ + "/none.json");
  expect_invalid("none.json");
  Security()->clear_seccomp_profile_path();
  Write("bad.json", "[1,2]");
  Security()->set_seccomp_profile_path("localhost/" + dir_ + "/bad.json");
  expect_invalid("bad.json");
  Security()->clear_seccomp_profile_path();
  config_.add_mounts()->set_host_path(dir_ + "/gone");
  config_.mutable_mounts(0)->set_container_path("/gone");
  expect_invalid("/gone");
}

// Audit L6: strings joined to cgroup paths must not leave the hierarchy.
TEST_F(ContainerSpecTest, CgroupStringsThatEscapeAreInvalidArgument) {
  pod_.spec.cgroup_parent = "/kubepods/../../etc";
  auto s = Build();
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("cgroup_parent"), std::string::npos)
      << s.status();
  pod_.spec.cgroup_parent = "/kubepods..x/pod.1";  // dots inside names: fine
  EXPECT_TRUE(Build().ok());
  auto* unified =
      config_.mutable_linux()->mutable_resources()->mutable_unified();
  for (const char* key : {"../../../release_agent", "a/b", "..", ""}) {
    unified->clear();
    (*unified)[key] = "1";
    s = Build();
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_NE(s.status().message().find("unified"), std::string::npos)
        << s.status();
  }
}

// Values the kernel refuses used to surface as INTERNAL from the cgroup
// write; they are the caller's error, named by field.
TEST_F(ContainerSpecTest, CpuValuesTheKernelRefusesAreInvalidArgument) {
  auto* r = config_.mutable_linux()->mutable_resources();
  auto expect_invalid = [&](const std::string& field) {
    auto s = Build();
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.status().message().find(field), std::string::npos)
        << s.status();
    r->Clear();
  };
  for (const char* bad : {"abc", "0-", "3-1", "1,,2", "-1", "0-99999999"}) {
    r->set_cpuset_cpus(bad);
    expect_invalid("cpuset_cpus");
  }
  r->set_cpuset_mems("0 1");
  expect_invalid("cpuset_mems");
  r->set_cpu_period(10);
  expect_invalid("cpu_period");
  r->set_cpu_period(2000000);
  expect_invalid("cpu_period");
  r->set_cpu_quota(5);
  expect_invalid("cpu_quota");
  r->set_cpu_shares(-2);
  expect_invalid("cpu_shares");
  r->set_cpuset_cpus("0-3,5,7-8");
  r->set_cpuset_mems("0");
  r->set_cpu_period(100000);
  r->set_cpu_quota(-1);
  r->set_cpu_shares(2);
  EXPECT_TRUE(Build().ok()) << Build().status();
}

TEST_F(ContainerSpecTest, MissingInputs) {
  ContainerSpecInput in = Input();
  in.config = nullptr;
  EXPECT_EQ(BuildContainerSpec(in).status().code(),
            absl::StatusCode::kInvalidArgument);
  in = Input();
  in.pod = nullptr;
  EXPECT_FALSE(BuildContainerSpec(in).ok());
  in = Input();
  in.rootfs = "relative";
  EXPECT_FALSE(BuildContainerSpec(in).ok());
  in = Input();
  in.rootfs = dir_ + "/no-rootfs";
  EXPECT_FALSE(BuildContainerSpec(in).ok());
}

}  // namespace
}  // namespace crisp::server::specgen
