#include <linux/capability.h>

#include "gtest/gtest.h"
#include "runtime/linux/capabilities.h"

namespace crisp::runtime::capabilities {
namespace {

TEST(CapabilitiesTest, NamesBecomeMasks) {
  oci::Capabilities caps;
  caps.bounding = {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"};
  caps.effective = {"CAP_KILL"};
  caps.ambient = {"cap_chown"};
  auto sets = FromSpec(caps);
  ASSERT_TRUE(sets.ok()) << sets.status();
  EXPECT_EQ(sets->bounding, (1ULL << CAP_KILL) |
                                (1ULL << CAP_NET_BIND_SERVICE) |
                                (1ULL << CAP_AUDIT_WRITE));
  EXPECT_EQ(sets->bounding, 0x20000420ULL);  // runc's default CapEff
  EXPECT_EQ(sets->effective, 1ULL << CAP_KILL);
  EXPECT_EQ(sets->ambient, 1ULL << CAP_CHOWN);
  EXPECT_EQ(sets->permitted, 0u);
}

TEST(CapabilitiesTest, UnknownCapabilitiesAreSkippedNotCapsAreErrors) {
  oci::Capabilities caps;
  caps.bounding = {"CAP_FROM_THE_FUTURE", "CAP_SYS_ADMIN"};
  auto sets = FromSpec(caps);
  ASSERT_TRUE(sets.ok());
  EXPECT_EQ(sets->bounding, 1ULL << CAP_SYS_ADMIN);
  caps.permitted = {"SYS_ADMIN"};
  auto bad = FromSpec(caps);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("permitted"), std::string::npos);
}

}  // namespace
}  // namespace crisp::runtime::capabilities
