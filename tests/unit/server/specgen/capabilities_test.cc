#include "server/specgen/capabilities.h"

#include <unistd.h>

#include <algorithm>

#include "gtest/gtest.h"

namespace crisp::server::specgen {
namespace {

using Strings = std::vector<std::string>;

bool Has(const Strings& set, const std::string& cap) {
  return std::find(set.begin(), set.end(), cap) != set.end();
}

class CapabilitiesTest : public ::testing::Test {
 protected:
  absl::StatusOr<runtime::oci::Capabilities> Build(uint32_t uid = 0) {
    return BuildCapabilities(sc_, uid);
  }
  v1::Capability* Caps() { return sc_.mutable_capabilities(); }
  v1::LinuxContainerSecurityContext sc_;
};

TEST_F(CapabilitiesTest, ContainerdDefaultSet) {
  auto c = Build();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bounding.size(), 14u);
  EXPECT_EQ(c->bounding, DefaultCapabilities());
  EXPECT_EQ(c->effective, c->bounding);
  EXPECT_EQ(c->permitted, c->bounding);
  EXPECT_TRUE(c->inheritable.empty());
  EXPECT_TRUE(c->ambient.empty());
  EXPECT_TRUE(Has(c->bounding, "CAP_NET_RAW"));
  EXPECT_FALSE(Has(c->bounding, "CAP_SYS_ADMIN"));
}

TEST_F(CapabilitiesTest, AddAndDropWithOrWithoutPrefix) {
  Caps()->add_add_capabilities("NET_ADMIN");
  Caps()->add_add_capabilities("cap_sys_time");
  Caps()->add_drop_capabilities("CAP_NET_RAW");
  Caps()->add_drop_capabilities("kill");
  auto c = Build();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(Has(c->bounding, "CAP_NET_ADMIN"));
  EXPECT_TRUE(Has(c->effective, "CAP_SYS_TIME"));
  EXPECT_FALSE(Has(c->permitted, "CAP_NET_RAW"));
  EXPECT_FALSE(Has(c->bounding, "CAP_KILL"));
  EXPECT_EQ(c->bounding.size(), 14u);
}

TEST_F(CapabilitiesTest, DropAllThenAdd) {
  Caps()->add_drop_capabilities("ALL");
  Caps()->add_add_capabilities("NET_BIND_SERVICE");
  auto c = Build();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bounding, Strings{"CAP_NET_BIND_SERVICE"});
}

TEST_F(CapabilitiesTest, AddAllThenDrop) {
  Caps()->add_add_capabilities("all");
  Caps()->add_drop_capabilities("SYS_ADMIN");
  auto c = Build();
  ASSERT_TRUE(c.ok()) << c.status();
  Strings want = AllCapabilities();
  want.erase(std::remove(want.begin(), want.end(), "CAP_SYS_ADMIN"),
             want.end());
  EXPECT_EQ(c->bounding, want);
  EXPECT_FALSE(Has(c->bounding, "CAP_SYS_ADMIN"));
}

TEST_F(CapabilitiesTest, UnknownNameIsInvalid) {
  Caps()->add_add_capabilities("FLY");
  auto c = Build();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("FLY"), std::string::npos);
  sc_.Clear();
  Caps()->add_drop_capabilities("CAP_");
  EXPECT_FALSE(Build().ok());
}

TEST_F(CapabilitiesTest, PrivilegedHasWhatTheDaemonHas) {
  sc_.set_privileged(true);
  Caps()->add_drop_capabilities("ALL");  // ignored, as containerd
  auto c = Build();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bounding, AllCapabilities());
  EXPECT_EQ(c->effective, AllCapabilities());
  if (geteuid() == 0) {
    EXPECT_TRUE(Has(c->bounding, "CAP_SYS_ADMIN"));
  }
}

TEST_F(CapabilitiesTest, NamesOfAMask) {
  EXPECT_EQ(CapabilitiesIn(0), Strings{});
  EXPECT_EQ(CapabilitiesIn(1), Strings{"CAP_CHOWN"});
  EXPECT_EQ(CapabilitiesIn((uint64_t{1} << 21) | (uint64_t{1} << 40)),
            (Strings{"CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"}));
  EXPECT_EQ(CapabilitiesIn(~uint64_t{0}).size(), 41u);   // names known here
  EXPECT_EQ(CapabilitiesIn(0x1fffeffffff).size(), 40u);  // no SYS_RESOURCE
}

TEST_F(CapabilitiesTest, AmbientForANonRootUser) {
  Caps()->add_add_ambient_capabilities("NET_BIND_SERVICE");
  Caps()->add_add_ambient_capabilities("NET_ADMIN");
  auto c = Build(1000);
  ASSERT_TRUE(c.ok()) << c.status();
  Strings ambient = {"CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN"};
  EXPECT_EQ(c->ambient, ambient);
  EXPECT_EQ(c->inheritable, ambient);
  EXPECT_EQ(c->permitted, ambient);
  EXPECT_EQ(c->effective, ambient);
  EXPECT_TRUE(Has(c->bounding, "CAP_NET_ADMIN"));
  EXPECT_TRUE(Has(c->bounding, "CAP_CHOWN"));
}

TEST_F(CapabilitiesTest, NonRootWithoutAmbientHoldsNothing) {
  auto c = Build(1000);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bounding, DefaultCapabilities());
  EXPECT_TRUE(c->effective.empty());
  EXPECT_TRUE(c->permitted.empty());
}

TEST_F(CapabilitiesTest, RootKeepsItsSetPlusAmbient) {
  Caps()->add_add_ambient_capabilities("CAP_NET_ADMIN");
  auto c = Build(0);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->effective.size(), 15u);
  EXPECT_EQ(c->ambient, Strings{"CAP_NET_ADMIN"});
  Caps()->add_add_ambient_capabilities("ALL");
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crisp::server::specgen
