#include "server/specgen/devices.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/files.h"
#include "gtest/gtest.h"

namespace crisp::server::specgen {
namespace {

const runtime::oci::Device* Find(const std::vector<runtime::oci::Device>& ds,
                                 const std::string& path) {
  for (const auto& d : ds) {
    if (d.path == path) return &d;
  }
  return nullptr;
}

v1::Device* AddDevice(v1::ContainerConfig& c, const std::string& host,
                      const std::string& dest, const std::string& perms) {
  auto* d = c.add_devices();
  d->set_host_path(host);
  d->set_container_path(dest);
  d->set_permissions(perms);
  return d;
}

TEST(DevicesTest, DefaultRulesAreRuncs) {
  auto rules = DefaultDeviceRules();
  ASSERT_FALSE(rules.empty());
  EXPECT_FALSE(rules[0].allow);  // deny all first
  EXPECT_EQ(rules[0].type, "a");
  EXPECT_EQ(rules[0].access, "rwm");
  auto allows = [&](const std::string& type, int64_t major, int64_t minor) {
    for (const auto& r : rules) {
      if (r.allow && r.type == type && r.major == major && r.minor == minor &&
          r.access == "rwm") {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(allows("c", 1, 3));   // null
  EXPECT_TRUE(allows("c", 1, 9));   // urandom
  EXPECT_TRUE(allows("c", 5, 0));   // tty
  EXPECT_TRUE(allows("c", 5, 1));   // console
  EXPECT_TRUE(allows("c", 5, 2));   // ptmx
  EXPECT_EQ(rules[1].access, "m");  // mknod of any char device
  EXPECT_FALSE(rules[1].major.has_value());
  bool pts = false;
  for (const auto& r : rules) pts |= r.major == 136 && !r.minor;
  EXPECT_TRUE(pts);
}

TEST(DevicesTest, CriDeviceBecomesNodeAndRule) {
  v1::ContainerConfig c;
  AddDevice(c, "/dev/null", "/dev/mynull", "rw");
  auto plan = BuildDevices(c);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->devices.size(), 1u);
  const auto& d = plan->devices[0];
  EXPECT_EQ(d.path, "/dev/mynull");
  EXPECT_EQ(d.type, "c");
  EXPECT_EQ(d.major, 1);
  EXPECT_EQ(d.minor, 3);
  EXPECT_EQ(d.file_mode, 0666u);
  EXPECT_EQ(d.uid, 0u);
  const auto& rule = plan->rules.back();
  EXPECT_TRUE(rule.allow);
  EXPECT_EQ(rule.type, "c");
  EXPECT_EQ(rule.major, 1);
  EXPECT_EQ(rule.minor, 3);
  EXPECT_EQ(rule.access, "rw");
  EXPECT_FALSE(plan->rules[0].allow);
}

TEST(DevicesTest, EmptyPermissionsMeanRwm) {
  v1::ContainerConfig c;
  AddDevice(c, "/dev/zero", "/dev/zero", "");
  auto plan = BuildDevices(c);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->rules.back().access, "rwm");
}

TEST(DevicesTest, BadDevicesNameTheField) {
  v1::ContainerConfig c;
  AddDevice(c, "/dev/null", "/dev/null", "rwx");
  EXPECT_NE(BuildDevices(c).status().message().find("devices[0].permissions"),
            std::string::npos);
  c.clear_devices();
  AddDevice(c, "/dev/no-such-device", "/dev/x", "rwm");
  auto missing = BuildDevices(c);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("/dev/no-such-device"),
            std::string::npos);
  c.clear_devices();
  AddDevice(c, "/etc/passwd", "/dev/x", "rwm");
  EXPECT_NE(BuildDevices(c).status().message().find("not a character"),
            std::string::npos);
  c.clear_devices();
  AddDevice(c, "/dev/null", "dev/null", "rwm");
  EXPECT_EQ(BuildDevices(c).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DevicesTest, CdiDevicesAreRefused) {
  v1::ContainerConfig c;
  c.add_cdi_devices()->set_name("vendor.com/gpu=0");
  auto plan = BuildDevices(c);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("vendor.com/gpu=0"),
            std::string::npos);
}

TEST(DevicesTest, DirectoryIsWalked) {
  char tmpl[] = "/tmp/crisp-dev-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  ASSERT_TRUE(MakeDirs(dir + "/sub", 0755).ok());
  ASSERT_EQ(symlink("/dev/null", (dir + "/sub/null").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
  // Symlinks and FIFOs are not device nodes: nothing is found.
  auto found = DevicesAt(dir, "/dev/x");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->empty());
  (void)RemoveAll(dir);
}

TEST(DevicesTest, PrivilegedGetsHostDevicesAndAllowAll) {
  v1::ContainerConfig c;
  c.mutable_linux()->mutable_security_context()->set_privileged(true);
  AddDevice(c, "/dev/null", "/dev/null", "r");
  auto plan = BuildDevices(c);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->rules.size(), 1u);
  EXPECT_TRUE(plan->rules[0].allow);
  EXPECT_EQ(plan->rules[0].type, "a");
  EXPECT_EQ(plan->rules[0].access, "rwm");
  ASSERT_NE(Find(plan->devices, "/dev/zero"), nullptr);
  EXPECT_NE(Find(plan->devices, "/dev/null"), nullptr);
  int nulls = 0;
  for (const auto& d : plan->devices) nulls += d.path == "/dev/null";
  EXPECT_EQ(nulls, 1);
  EXPECT_EQ(Find(plan->devices, "/dev/console"), nullptr);
  for (const auto& d : plan->devices) {
    EXPECT_NE(d.path.rfind("/dev/pts/", 0), 0u) << d.path;
  }
}

}  // namespace
}  // namespace crisp::server::specgen
