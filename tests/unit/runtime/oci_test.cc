#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/oci/json.h"
#include "runtime/oci/validate.h"

namespace crisp::runtime::oci {
namespace {

using ::testing::HasSubstr;

const char* kConfig = R"({
  "ociVersion": "1.2.0",
  "process": {"args": ["sh"], "cwd": "/", "env": ["PATH=/bin"],
              "user": {"uid": 1000, "gid": 1000, "additionalGids": [10]},
              "capabilities": {"bounding": ["CAP_KILL"]},
              "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 5}],
              "oomScoreAdj": -100},
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "h",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc",
              "options": ["nosuid"]}],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "uts"},
                   {"type": "network", "path": "/run/netns/x"}],
    "resources": {"memory": {"limit": 1048576}, "pids": {"limit": 8},
                  "cpu": {"shares": 512, "quota": 50000, "period": 100000}},
    "sysctl": {"net.ipv4.ip_forward": "1"},
    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
                              "errnoRet": 1}]}
  },
  "annotations": {"a": "b"}
})";

TEST(SpecTest, ParsesEveryPart) {
  auto spec = Parse(kConfig);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->process->user.uid, 1000u);
  EXPECT_EQ(spec->process->user.additional_gids.size(), 1u);
  EXPECT_EQ(*spec->process->oom_score_adj, -100);
  EXPECT_TRUE(spec->root->readonly);
  EXPECT_EQ(spec->mounts[0].options[0], "nosuid");
  EXPECT_EQ(*spec->linux->resources->memory->limit, 1048576);
  EXPECT_EQ(spec->linux->resources->pids->limit, 8);
  EXPECT_EQ(NamespacePath(*spec, "network"), "/run/netns/x");
  EXPECT_TRUE(HasNamespace(*spec, "pid"));
  EXPECT_FALSE(HasNamespace(*spec, "user"));
  EXPECT_EQ(spec->linux->seccomp->syscalls[0].errno_ret, 1u);
  EXPECT_EQ(spec->annotations.at("a"), "b");
  EXPECT_TRUE(Validate(*spec).ok()) << Validate(*spec);
}

TEST(SpecTest, RoundTripsThroughJson) {
  auto spec = Parse(kConfig);
  ASSERT_TRUE(spec.ok());
  auto again = FromJson(ToJson(*spec));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ToJson(*again), ToJson(*spec));
  EXPECT_EQ(ToJson(*spec)["process"]["user"]["additionalGids"][0], 10);
}

TEST(SpecTest, TypeErrorsNameTheField) {
  auto spec = Parse(R"({"ociVersion":"1.2.0","process":{"user":{"uid":-1}}})");
  EXPECT_THAT(spec.status().message(), HasSubstr("process.user.uid"));
  spec = Parse(R"({"mounts":[{"destination":"/x","options":"ro"}]})");
  EXPECT_THAT(spec.status().message(), HasSubstr("mounts[0].options"));
  spec = Parse("{not json");
  EXPECT_FALSE(spec.ok());
}

Spec Minimal() {
  Spec s;
  s.root = Root{"rootfs", false};
  s.process = Process{};
  s.process->args = {"sh"};
  s.linux = Linux{};
  return s;
}

TEST(SpecTest, ValidationNamesTheField) {
  Spec s = Minimal();
  EXPECT_TRUE(Validate(s).ok());
  s.process->args.clear();
  EXPECT_THAT(Validate(s).message(), HasSubstr("process.args"));
  s = Minimal();
  s.linux->namespaces = {{"bogus", ""}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("linux.namespaces[0].type"));
  s = Minimal();
  s.linux->sysctl["vm.swappiness"] = "1";
  EXPECT_THAT(Validate(s).message(), HasSubstr("not a namespaced sysctl"));
  s = Minimal();
  s.linux->sysctl["net.core.somaxconn"] = "1";
  EXPECT_THAT(Validate(s).message(), HasSubstr("needs a network"));
  s = Minimal();
  s.hostname = "x";
  EXPECT_THAT(Validate(s).message(), HasSubstr("hostname"));
  s = Minimal();
  s.process->rlimits = {{"RLIMIT_NOFILE", 1, 2}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("process.rlimits[0].soft"));
  s = Minimal();
  s.mounts = {{"relative", "tmpfs", "tmpfs", {}}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("mounts[0].destination"));
}

// A volume over /proc (an emptyDir with a fake self/fd/) or inside it could
// fake what the runtime and the LSM rely on there (issue 15).
TEST(SpecTest, OnlyProcfsGoesOnProcAndOnlyLxcfsFilesInsideIt) {
  Spec s = Minimal();
  s.mounts = {{"/proc", "proc", "proc", {}}};
  EXPECT_TRUE(Validate(s).ok());
  s.mounts = {{"/proc", "/var/lib/kubelet/x", "bind", {"rbind"}}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("only a proc file system"));
  s.mounts = {{"/x/../proc/", "/tmp/x", "bind", {"rbind"}}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("only a proc file system"));
  s.mounts = {{"/proc/self/fd", "/tmp/x", "bind", {"rbind"}}};
  EXPECT_THAT(Validate(s).message(), HasSubstr("inside /proc"));
  s.mounts = {{"/proc/sys/kernel/core_pattern", "/tmp/x", "bind", {"bind"}}};
  EXPECT_EQ(Validate(s).code(), absl::StatusCode::kInvalidArgument);
  s.mounts = {
      {"/proc/cpuinfo", "/var/lib/lxcfs/proc/cpuinfo", "bind", {"bind"}}};
  EXPECT_TRUE(Validate(s).ok());
  s.mounts = {{"/procfoo", "/tmp/x", "bind", {"bind"}}};
  EXPECT_TRUE(Validate(s).ok());
}

TEST(SpecTest, ParsesProcessAndResourcesAlone) {
  auto p = ParseProcess(R"({"args":["ls"],"cwd":"/tmp","terminal":true})");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->terminal);
  EXPECT_FALSE(ParseProcess(R"({"cwd":"/"})").ok());
  auto r = ParseResources(R"({"memory":{"limit":-1},"pids":{"limit":3}})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r->memory->limit, -1);
}

}  // namespace
}  // namespace crisp::runtime::oci
