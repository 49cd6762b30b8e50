// The AppArmor decision (audit M9) against a made-up host, and the text of
// crisp-default, which must parse.
#include "server/specgen/apparmor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "server/specgen/apparmor_default.h"

// The tests set CRI's deprecated string field on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace crisp::server::specgen {
namespace {

namespace v1 = ::runtime::v1;
using ::testing::HasSubstr;

AppArmorState Host(bool enabled, absl::Status default_profile) {
  AppArmorState s;
  s.enabled = enabled;
  s.default_profile = std::move(default_profile);
  s.loaded = [](const std::string& name) -> absl::StatusOr<bool> {
    if (name == "broken") return absl::PermissionDeniedError("EACCES");
    return name == "site-profile";
  };
  return s;
}

v1::LinuxContainerSecurityContext Asking(v1::SecurityProfile::ProfileType t,
                                         const std::string& ref = "") {
  v1::LinuxContainerSecurityContext sc;
  sc.mutable_apparmor()->set_profile_type(t);
  sc.mutable_apparmor()->set_localhost_ref(ref);
  return sc;
}

TEST(AppArmorProfile, EnabledHostConfinesRuntimeDefaultAndUnset) {
  AppArmorState host = Host(true, absl::OkStatus());
  EXPECT_EQ(
      *AppArmorProfile(Asking(v1::SecurityProfile::RuntimeDefault), &host),
      "crisp-default");
  v1::LinuxContainerSecurityContext unset;
  EXPECT_EQ(*AppArmorProfile(unset, &host), "crisp-default");
  v1::LinuxContainerSecurityContext legacy;
  legacy.set_apparmor_profile("runtime/default");
  EXPECT_EQ(*AppArmorProfile(legacy, &host), "crisp-default");
  EXPECT_EQ(*AppArmorProfile(Asking(v1::SecurityProfile::Unconfined), &host),
            "");
  v1::LinuxContainerSecurityContext privileged;
  privileged.set_privileged(true);
  EXPECT_EQ(*AppArmorProfile(privileged, &host), "");
}

TEST(AppArmorProfile, DefaultThatFailedToLoadRefusesInsteadOfUnconfined) {
  AppArmorState host =
      Host(true, absl::InternalError("apparmor_parser: syntax error"));
  auto p = AppArmorProfile(Asking(v1::SecurityProfile::RuntimeDefault), &host);
  ASSERT_EQ(p.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(p.status().message(), HasSubstr("crisp-default"));
  EXPECT_THAT(p.status().message(), HasSubstr("syntax error"));
  EXPECT_EQ(*AppArmorProfile(Asking(v1::SecurityProfile::Unconfined), &host),
            "");
}

TEST(AppArmorProfile, LocalhostMustBeLoaded) {
  AppArmorState host = Host(true, absl::OkStatus());
  EXPECT_EQ(*AppArmorProfile(
                Asking(v1::SecurityProfile::Localhost, "site-profile"), &host),
            "site-profile");
  auto missing = AppArmorProfile(
      Asking(v1::SecurityProfile::Localhost, "localhost/nope"), &host);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("\"nope\" is not loaded"));
  auto unreadable =
      AppArmorProfile(Asking(v1::SecurityProfile::Localhost, "broken"), &host);
  EXPECT_EQ(unreadable.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(AppArmorProfile(Asking(v1::SecurityProfile::Localhost, ""), &host)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AppArmorProfile, WithoutAppArmorDefaultIsUnconfinedAndLocalhostFails) {
  AppArmorState off = Host(false, absl::UnavailableError("not loaded"));
  for (const AppArmorState* host :
       {&off, static_cast<AppArmorState*>(nullptr)}) {
    EXPECT_EQ(
        *AppArmorProfile(Asking(v1::SecurityProfile::RuntimeDefault), host),
        "");
    auto named = AppArmorProfile(
        Asking(v1::SecurityProfile::Localhost, "site-profile"), host);
    ASSERT_EQ(named.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(named.status().message(),
                HasSubstr("AppArmor is not enabled on this node"));
  }
}

TEST(AppArmorProfile, DescribeSaysWhatRuntimeDefaultMeans) {
  EXPECT_THAT(DescribeAppArmor(Host(false, absl::OkStatus())),
              HasSubstr("AppArmor is unavailable"));
  EXPECT_THAT(DescribeAppArmor(Host(true, absl::InternalError("bad"))),
              HasSubstr("refused: bad"));
  EXPECT_THAT(DescribeAppArmor(Host(true, absl::OkStatus())),
              HasSubstr("under profile crisp-default"));
}

TEST(DefaultAppArmorProfile, DeniesWhatAContainerMustNotTouch) {
  std::string text = DefaultAppArmorProfileText();
  EXPECT_THAT(text, HasSubstr("profile crisp-default flags="));
  for (const char* rule :
       {"deny mount,", "deny @{PROC}/sysrq-trigger rwklx,",
        "deny @{PROC}/sys/[^n]** w,", "deny /sys/kernel/security/** rwklx,",
        "ptrace (trace,read,tracedby,readby) peer=crisp-default,"}) {
    EXPECT_THAT(text, HasSubstr(rule));
  }
}

// apparmor_parser (Debian package apparmor) compiles the policy without
// touching the kernel: -Q skips the load, -K the cache.
std::string Parser() {
  for (const char* p : {"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

int ParserExit(const std::string& policy) {
  std::string command = Parser() + " -Q -K >/dev/null 2>&1";
  FILE* p = popen(command.c_str(), "w");
  if (p == nullptr) return -1;
  fwrite(policy.data(), 1, policy.size(), p);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(DefaultAppArmorProfile, ParsesWithApparmorParser) {
  if (Parser().empty()) {
    GTEST_SKIP() << "apparmor_parser (Debian package apparmor) not installed";
  }
  ASSERT_NE(ParserExit("profile broken { bogus_rule, }\n"), 0)
      << "the parser must reject a bad policy, or this test proves nothing";
  EXPECT_EQ(ParserExit(DefaultAppArmorProfileText()), 0);
}

}  // namespace
}  // namespace crisp::server::specgen
