// UpdatePodSandboxResources' figures: resources + overhead, checked as
// UpdateContainerResources checks its request.
#include "server/runtime_service/pod_resources.h"

#include "gtest/gtest.h"

namespace crisp::server {
namespace {

namespace v1 = ::runtime::v1;

TEST(PodResourcesTest, OverheadAddsUp) {
  v1::LinuxContainerResources r, o;
  r.set_memory_limit_in_bytes(256 << 20);
  r.set_cpu_period(100000);
  r.set_cpu_quota(150000);
  r.set_cpu_shares(1536);
  r.set_cpuset_cpus("0-1");
  auto* h = r.add_hugepage_limits();
  h->set_page_size("2MB");
  h->set_limit(4 << 20);
  o.set_memory_limit_in_bytes(64 << 20);
  o.set_cpu_period(50000);
  o.set_cpu_quota(10000);  // 0.2 CPU: 20000 in a 100000 period
  o.set_cpu_shares(102);
  auto* oh = o.add_hugepage_limits();
  oh->set_page_size("2MB");
  oh->set_limit(2 << 20);
  auto c = CombinePodResources(r, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->memory_limit_in_bytes(), 320 << 20);
  EXPECT_EQ(c->cpu_period(), 100000);
  EXPECT_EQ(c->cpu_quota(), 170000);
  EXPECT_EQ(c->cpu_shares(), 1638);
  EXPECT_EQ(c->cpuset_cpus(), "0-1");
  EXPECT_EQ(c->hugepage_limits(0).limit(), 6u << 20);
}

TEST(PodResourcesTest, UnsetLimitsStayUnset) {
  v1::LinuxContainerResources r, o;
  o.set_memory_limit_in_bytes(64 << 20);
  o.set_cpu_quota(10000);
  auto c = CombinePodResources(r, o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->memory_limit_in_bytes(), 0);
  EXPECT_EQ(c->cpu_quota(), 0);
  v1::UpdatePodSandboxResourcesRequest req;
  *req.mutable_overhead() = o;
  auto spec = PodCgroupResources(req);
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->memory.has_value());
  EXPECT_FALSE(spec->cpu.has_value());
}

TEST(PodResourcesTest, SharesAreCappedAtTheKernelMaximum) {
  v1::LinuxContainerResources r, o;
  r.set_cpu_shares(262000);
  o.set_cpu_shares(1000);
  EXPECT_EQ(CombinePodResources(r, o)->cpu_shares(), 262144);
}

TEST(PodResourcesTest, ToCgroupResources) {
  v1::UpdatePodSandboxResourcesRequest req;
  req.mutable_resources()->set_memory_limit_in_bytes(100 << 20);
  req.mutable_overhead()->set_memory_limit_in_bytes(28 << 20);
  req.mutable_resources()->set_cpu_quota(50000);
  req.mutable_resources()->set_cpu_period(100000);
  auto spec = PodCgroupResources(req);
  ASSERT_TRUE(spec.ok());
  ASSERT_TRUE(spec->memory.has_value());
  EXPECT_EQ(spec->memory->limit, 128 << 20);
  ASSERT_TRUE(spec->cpu.has_value());
  EXPECT_EQ(spec->cpu->quota, 50000);
}

TEST(PodResourcesTest, BadValuesAreRefusedNamingTheField) {
  v1::UpdatePodSandboxResourcesRequest req;
  req.mutable_resources()->set_cpu_period(5);
  auto s = PodCgroupResources(req).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cpu_period"), std::string::npos) << s;
  EXPECT_NE(s.message().find("resources"), std::string::npos) << s;

  req.Clear();
  req.mutable_overhead()->set_cpu_shares(-2);
  s = PodCgroupResources(req).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("overhead"), std::string::npos) << s;

  req.Clear();
  req.mutable_resources()->set_cpuset_cpus("0-x");
  EXPECT_EQ(PodCgroupResources(req).status().code(),
            absl::StatusCode::kInvalidArgument);

  req.Clear();
  req.mutable_resources()->set_memory_limit_in_bytes(-5);
  EXPECT_EQ(PodCgroupResources(req).status().code(),
            absl::StatusCode::kInvalidArgument);

  req.Clear();
  (*req.mutable_resources()->mutable_unified())["../../etc/passwd"] = "x";
  EXPECT_EQ(PodCgroupResources(req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crisp::server
