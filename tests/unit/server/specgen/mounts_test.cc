// Default mounts, the pod's files, CRI bind mounts and their propagation.
#include "server/specgen/mounts.h"

#include <unistd.h>

#include <algorithm>

#include "spec_fixture.h"

namespace crisp::server::specgen {
namespace {

using Strings = std::vector<std::string>;

const runtime::oci::Mount* Find(const std::vector<runtime::oci::Mount>& ms,
                                const std::string& dest) {
  for (const auto& m : ms) {
    if (m.destination == dest) return &m;
  }
  return nullptr;
}

bool HasOption(const runtime::oci::Mount& m, const std::string& o) {
  return std::find(m.options.begin(), m.options.end(), o) != m.options.end();
}

Strings Destinations(const std::vector<runtime::oci::Mount>& ms) {
  Strings out;
  for (const auto& m : ms) out.push_back(m.destination);
  return out;
}

class MountsTest : public SpecFixture {
 protected:
  v1::Mount* AddMount(const std::string& host, const std::string& dest) {
    auto* m = config_.add_mounts();
    m->set_host_path(host);
    m->set_container_path(dest);
    return m;
  }
  absl::StatusOr<MountPlan> Plan() { return BuildMounts(Input()); }
};

TEST_F(MountsTest, DefaultsAndPodFiles) {
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Destinations(plan->mounts),
            (Strings{"/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys",
                     "/sys/fs/cgroup", "/etc/hostname", "/etc/hosts",
                     "/etc/resolv.conf", "/dev/shm"}));
  EXPECT_EQ(plan->rootfs_propagation, "");
  const auto* sys = Find(plan->mounts, "/sys");
  EXPECT_EQ(sys->type, "sysfs");
  EXPECT_TRUE(HasOption(*sys, "ro"));
  const auto* cgroup = Find(plan->mounts, "/sys/fs/cgroup");
  EXPECT_EQ(cgroup->type, "cgroup");
  EXPECT_TRUE(HasOption(*cgroup, "ro"));
  const auto* hosts = Find(plan->mounts, "/etc/hosts");
  EXPECT_EQ(hosts->source, pod_.Hosts());
  EXPECT_EQ(hosts->options, (Strings{"rbind", "rprivate", "rw"}));
  EXPECT_EQ(Find(plan->mounts, "/etc/resolv.conf")->source, pod_.ResolvConf());
  EXPECT_EQ(Find(plan->mounts, "/etc/hostname")->source, pod_.HostnameFile());
  const auto* shm = Find(plan->mounts, "/dev/shm");
  EXPECT_EQ(shm->source, pod_.Shm());
  EXPECT_TRUE(HasOption(*shm, "nodev"));
  EXPECT_EQ(Find(plan->mounts, "/run"), nullptr);
}

TEST_F(MountsTest, ReadOnlyRootfsMakesPodFilesReadOnly) {
  Security()->set_readonly_rootfs(true);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/etc/hosts"), "ro"));
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/dev/shm"), "rw"));
}

TEST_F(MountsTest, PrivilegedSysIsWritable) {
  Security()->set_privileged(true);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/sys"), "rw"));
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/sys/fs/cgroup"), "rw"));
}

TEST_F(MountsTest, HostIpcUsesTheHostShm) {
  pod_.spec.host_ipc = true;
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Find(plan->mounts, "/dev/shm")->source, "/dev/shm");
}

TEST_F(MountsTest, MissingPodFilesAreLeftOut) {
  ASSERT_EQ(unlink(pod_.HostnameFile().c_str()), 0);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Find(plan->mounts, "/etc/hostname"), nullptr);
}

TEST_F(MountsTest, ConfigMountsReplaceDefaults) {
  AddMount(pod_.Hosts(), "/etc/hosts/");  // kubelet's own etc-hosts
  AddMount(dir_, "/dev");
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  int hosts = std::count_if(
      plan->mounts.begin(), plan->mounts.end(),
      [](const auto& m) { return CleanPath(m.destination) == "/etc/hosts"; });
  EXPECT_EQ(hosts, 1);
  // Everything under /dev goes with /dev.
  EXPECT_EQ(Find(plan->mounts, "/dev/pts"), nullptr);
  EXPECT_EQ(Find(plan->mounts, "/dev/shm"), nullptr);
  EXPECT_EQ(Find(plan->mounts, "/dev/mqueue"), nullptr);
  EXPECT_EQ(Find(plan->mounts, "/dev")->type, "bind");
}

TEST_F(MountsTest, BindMountOptionsAndSymlinkResolved) {
  ASSERT_TRUE(MakeDirs(dir_ + "/data", 0755).ok());
  ASSERT_EQ(symlink((dir_ + "/data").c_str(), (dir_ + "/link").c_str()), 0);
  AddMount(dir_ + "/link", "/data")->set_readonly(true);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  const auto* m = Find(plan->mounts, "/data");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, "bind");
  EXPECT_EQ(m->source, dir_ + "/data");
  EXPECT_EQ(m->options, (Strings{"rbind", "rprivate", "ro"}));
}

TEST_F(MountsTest, Propagation) {
  AddMount(dir_, "/a")->set_propagation(v1::PROPAGATION_HOST_TO_CONTAINER);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/a"), "rslave"));
  EXPECT_EQ(plan->rootfs_propagation, "rslave");
  AddMount(dir_, "/b")->set_propagation(v1::PROPAGATION_BIDIRECTIONAL);
  AddMount(dir_, "/c")->set_propagation(v1::PROPAGATION_HOST_TO_CONTAINER);
  plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/b"), "rshared"));
  EXPECT_EQ(plan->rootfs_propagation, "rshared");  // rslave never lowers it
}

TEST_F(MountsTest, RecursiveReadOnly) {
  auto* m = AddMount(dir_, "/r");
  m->set_readonly(true);
  m->set_recursive_read_only(true);
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(HasOption(*Find(plan->mounts, "/r"), "rro"));
  m->set_propagation(v1::PROPAGATION_HOST_TO_CONTAINER);
  EXPECT_EQ(Plan().status().code(), absl::StatusCode::kInvalidArgument);
  m->set_propagation(v1::PROPAGATION_PRIVATE);
  m->set_readonly(false);
  EXPECT_EQ(Plan().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MountsTest, ParentsComeFirst) {
  AddMount(dir_, "/var/lib/app/cache");
  AddMount(dir_, "/var");
  AddMount(dir_, "/var/lib");
  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status();
  Strings d = Destinations(plan->mounts);
  auto pos = [&](const std::string& s) {
    return std::find(d.begin(), d.end(), s) - d.begin();
  };
  EXPECT_LT(pos("/var"), pos("/var/lib"));
  EXPECT_LT(pos("/var/lib"), pos("/var/lib/app/cache"));
}

TEST_F(MountsTest, BadMountsNameTheField) {
  AddMount(dir_ + "/nope", "/x");
  auto missing = Plan();
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("mounts[0].host_path"),
            std::string::npos);
  EXPECT_NE(missing.status().message().find(dir_ + "/nope"), std::string::npos);
  config_.clear_mounts();
  AddMount(dir_, "relative");
  EXPECT_NE(Plan().status().message().find("container_path"),
            std::string::npos);
  config_.clear_mounts();
  AddMount("", "/x")->mutable_image()->set_image("busybox");
  EXPECT_NE(Plan().status().message().find("image volumes"), std::string::npos);
  config_.clear_mounts();
  AddMount(dir_, "/x")->add_uidmappings()->set_length(1);
  EXPECT_EQ(Plan().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CleanPathTest, Forms) {
  EXPECT_EQ(CleanPath("/a//b/./c/../"), "/a/b");
  EXPECT_EQ(CleanPath("/"), "/");
  EXPECT_EQ(CleanPath("/../x"), "/x");
}

}  // namespace
}  // namespace crisp::server::specgen
