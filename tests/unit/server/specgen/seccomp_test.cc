// Which profile a container gets, and Localhost profiles.
#include "server/specgen/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "server/specgen/seccomp_default.h"
#include "spec_fixture.h"

// The tests set CRI's deprecated string fields on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace crisp::server::specgen {
namespace {

using Strings = std::vector<std::string>;

const Strings kDefaultCaps = {"CAP_CHOWN", "CAP_SETUID", "CAP_SYS_CHROOT"};

bool Allows(const runtime::oci::Seccomp& p, const std::string& name) {
  for (const auto& s : p.syscalls) {
    if (s.action == "SCMP_ACT_ALLOW" &&
        std::find(s.names.begin(), s.names.end(), name) != s.names.end()) {
      return true;
    }
  }
  return false;
}

class SeccompTest : public SpecFixture {
 protected:
  absl::StatusOr<std::optional<runtime::oci::Seccomp>> Build() {
    return BuildSeccomp(*Security(), kDefaultCaps);
  }
  void Profile(v1::SecurityProfile::ProfileType type, std::string ref = "") {
    Security()->mutable_seccomp()->set_profile_type(type);
    Security()->mutable_seccomp()->set_localhost_ref(ref);
  }
};

TEST_F(SeccompTest, NothingAskedIsUnconfined) {
  auto p = Build();
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->has_value());
}

TEST_F(SeccompTest, RuntimeDefaultAndUnconfined) {
  Profile(v1::SecurityProfile::RuntimeDefault);
  auto p = Build();
  ASSERT_TRUE(p.ok() && p->has_value()) << p.status();
  EXPECT_EQ((*p)->default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ((*p)->default_errno_ret, EPERM);
  Profile(v1::SecurityProfile::Unconfined);
  EXPECT_FALSE(Build()->has_value());
  Profile(v1::SecurityProfile::RuntimeDefault);
  Security()->set_privileged(true);
  EXPECT_FALSE(Build()->has_value());
}

TEST_F(SeccompTest, DeprecatedPathForms) {
  for (const char* p : {"runtime/default", "docker/default"}) {
    Security()->set_seccomp_profile_path(p);
    auto got = Build();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(got->has_value()) << p;
  }
  Security()->set_seccomp_profile_path("unconfined");
  EXPECT_FALSE(Build()->has_value());
  Security()->set_seccomp_profile_path("bogus");
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
  Write("p.json", R"({"defaultAction":"SCMP_ACT_LOG"})");
  Security()->set_seccomp_profile_path("localhost/" + dir_ + "/p.json");
  auto local = Build();
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ((*local)->default_action, "SCMP_ACT_LOG");
}

TEST_F(SeccompTest, Localhost) {
  Write("p.json", R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
      {"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  Profile(v1::SecurityProfile::Localhost, dir_ + "/p.json");
  auto p = Build();
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ((*p)->syscalls.size(), 1u);
  EXPECT_EQ((*p)->syscalls[0].errno_ret, 1u);
  Profile(v1::SecurityProfile::Localhost, dir_ + "/missing.json");
  auto missing = Build();
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("missing.json"), std::string::npos);
  Profile(v1::SecurityProfile::Localhost, "relative.json");
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
  Profile(v1::SecurityProfile::RuntimeDefault, dir_ + "/p.json");
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
}

// A Localhost profile that is a FIFO blocked CreateContainer until a
// writer came (here: after 3 s), and /dev/zero would fill memory; only a
// regular file of sane size is read, at once.
TEST_F(SeccompTest, LocalhostProfileMustBeASmallRegularFile) {
  std::string fifo = dir_ + "/fifo.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) close(fd);
  });
  auto start = std::chrono::steady_clock::now();
  Profile(v1::SecurityProfile::Localhost, fifo);
  auto p = Build();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("regular file"), std::string::npos)
      << p.status();
  writer.join();
  Profile(v1::SecurityProfile::Localhost, "/dev/zero");
  EXPECT_EQ(Build().status().code(), absl::StatusCode::kInvalidArgument);
  std::string big = dir_ + "/big.json";
  Write("big.json", "{}");
  ASSERT_EQ(truncate(big.c_str(), 2 << 20), 0);  // 2 MiB of NULs
  Profile(v1::SecurityProfile::Localhost, big);
  auto too_big = Build();
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("larger than"), std::string::npos)
      << too_big.status();
}

TEST(SeccompProfileTest, BadProfilesNameTheField) {
  struct Case {
    const char* json;
    const char* field;
  } cases[] = {
      {"{", "(document)"},
      {R"({"defaultAction":"SCMP_ACT_NOTIFY"})", "defaultAction"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":-1})",
       "defaultErrnoRet"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}})", "syscalls"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":
          "SCMP_ACT_ERRNO"}]})",
       "syscalls[0].names"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],
          "action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"SCMP_CMP_XX"}]}]})",
       "syscalls[0].args[0].op"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],
          "action":"SCMP_ACT_ALLOW","args":[{"index":9,"op":"SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].index"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"read",
          "action":"SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names"},
  };
  for (const Case& c : cases) {
    auto p = ParseSeccompProfile(c.json, {}, "/p.json");
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(p.status().message().find(c.field), std::string::npos)
        << p.status();
    EXPECT_NE(p.status().message().find("/p.json"), std::string::npos);
  }
}

TEST(SeccompProfileTest, DockerFormIsEvaluatedForThisNode) {
  std::string native = NativeSeccompArchitectures().empty()
                           ? "SCMP_ARCH_NATIVE"
                           : NativeSeccompArchitectures()[0];
  std::string json = R"({"defaultAction":"SCMP_ACT_ERRNO",
    "archMap":[{"architecture":"SCMP_ARCH_NONE","subArchitectures":["X"]},
               {"architecture":")" +
                     native + R"(","subArchitectures":["SUB"]}],
    "syscalls":[
      {"name":"one","action":"SCMP_ACT_ALLOW"},
      {"names":["admin"],"action":"SCMP_ACT_ALLOW",
       "includes":{"caps":["CAP_SYS_ADMIN"]}},
      {"names":["notadmin"],"action":"SCMP_ACT_ALLOW",
       "excludes":{"caps":["CAP_SYS_ADMIN"]}},
      {"names":["here"],"action":"SCMP_ACT_ALLOW",
       "includes":{"arches":[")" +
                     NativeArchName() + R"("]}},
      {"names":["elsewhere"],"action":"SCMP_ACT_ALLOW",
       "includes":{"arches":["sparc"]}},
      {"names":["old"],"action":"SCMP_ACT_ALLOW",
       "includes":{"minKernel":"2.6"}},
      {"names":["future"],"action":"SCMP_ACT_ALLOW",
       "includes":{"minKernel":"99.0"}}]})";
  auto p = ParseSeccompProfile(json, {"CAP_CHOWN"}, "docker.json");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->architectures, (Strings{native, "SUB"}));
  for (const char* yes : {"one", "notadmin", "here", "old"}) {
    EXPECT_TRUE(Allows(*p, yes)) << yes;
  }
  for (const char* no : {"admin", "elsewhere", "future"}) {
    EXPECT_FALSE(Allows(*p, no)) << no;
  }
  auto admin = ParseSeccompProfile(json, {"CAP_SYS_ADMIN"}, "docker.json");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(Allows(*admin, "admin"));
  EXPECT_FALSE(Allows(*admin, "notadmin"));
}

}  // namespace
}  // namespace crisp::server::specgen
