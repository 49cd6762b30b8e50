// The runtime's features document → what crispd offers, and the refusal
// of a recursive read-only mount on a node that cannot make one.
#include "server/specgen/node_features.h"

#include "gtest/gtest.h"

namespace crisp::server::specgen {
namespace {

TEST(NodeFeaturesTest, RroListedMeansSupported) {
  auto f = ParseRuntimeFeatures(
      R"({"ociVersionMin":"1.0.0","mountOptions":["ro","rro","rbind"],
          "annotations":{"org.crisp.mount.rro":"ok"}})");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->recursive_read_only_mounts);
  EXPECT_EQ(f->recursive_read_only_missing, "");
}

TEST(NodeFeaturesTest, RroMissingCarriesTheRuntimesReason) {
  auto f = ParseRuntimeFeatures(
      R"({"mountOptions":["ro","rbind"],
          "annotations":{"org.crisp.mount.rro":"kernel 5.10.0: ENOSYS"}})");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->recursive_read_only_mounts);
  EXPECT_EQ(f->recursive_read_only_missing, "kernel 5.10.0: ENOSYS");
  // runc's document has no such annotation.
  auto runc = ParseRuntimeFeatures(R"({"mountOptions":["ro"]})");
  ASSERT_TRUE(runc.ok()) << runc.status();
  EXPECT_FALSE(runc->recursive_read_only_mounts);
  EXPECT_NE(runc->recursive_read_only_missing.find("\"rro\""),
            std::string::npos);
  auto none = ParseRuntimeFeatures("{}");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->recursive_read_only_mounts);
}

TEST(NodeFeaturesTest, NotADocumentIsInvalid) {
  for (const char* bad :
       {"", "[]", "not json", R"({"mountOptions":"rro"})",
        R"({"mountOptions":[1]})", R"({"annotations":["x"]})"}) {
    EXPECT_EQ(ParseRuntimeFeatures(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(NodeFeaturesTest, RecursiveReadOnlyNeedsTheNode) {
  v1::ContainerConfig config;
  config.add_mounts()->set_readonly(true);
  v1::Mount* rro = config.add_mounts();
  rro->set_readonly(true);
  rro->set_recursive_read_only(true);
  NodeFeatures old_kernel{.recursive_read_only_mounts = false,
                          .recursive_read_only_missing = "kernel 5.10.0"};
  absl::Status st = CheckNodeSupports(config, old_kernel);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("mounts[1]"), std::string::npos) << st;
  EXPECT_NE(st.message().find("kernel 5.10.0"), std::string::npos) << st;
  EXPECT_TRUE(
      CheckNodeSupports(config, {.recursive_read_only_mounts = true}).ok());
  rro->set_recursive_read_only(false);
  EXPECT_TRUE(CheckNodeSupports(config, old_kernel).ok());
}

}  // namespace
}  // namespace crisp::server::specgen
