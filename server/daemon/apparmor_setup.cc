#include "server/daemon/apparmor_setup.h"

#include <fcntl.h>
#include <glog/logging.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"
#include "common/subprocess.h"
#include "common/unique_fd.h"
#include "server/specgen/apparmor_default.h"

namespace crisp::server {
namespace {

constexpr char kEnabled[] = "/sys/module/apparmor/parameters/enabled";
constexpr char kProfiles[] = "/sys/kernel/security/apparmor/profiles";

bool HostEnabled() {
  auto v = ReadFile(kEnabled);
  return v.ok() && absl::StripAsciiWhitespace(*v) == "Y" &&
         access(kProfiles, R_OK) == 0;
}

absl::StatusOr<bool> HostLoaded(const std::string& name) {
  ASSIGN_OR_RETURN(std::string profiles, ReadFile(kProfiles));
  return ProfileListed(profiles, name);
}

// posix_spawn takes a path: a bare name is looked up as posix_spawnp
// would, and in the sbin directories a service's $PATH may lack.
std::string ResolveParser(const std::string& parser) {
  if (parser.find('/') != std::string::npos) return parser;
  const char* env = getenv("PATH");
  std::string path =
      absl::StrCat(env == nullptr ? "" : env, ":/usr/sbin:/sbin:/usr/bin:/bin");
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", parser);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return parser;  // the spawn fails with NotFound, naming it
}

// The policy on stdin, from a memfd (nothing to deadlock on); `parser -Kr`
// replaces the profiles and skips the cache (it may be stale or
// read-only). Its output, at most 4 KiB, is kept for the error.
absl::Status LoadPolicy(const std::string& parser, absl::Duration timeout,
                        const std::string& policy) {
  UniqueFd in(memfd_create("crisp-apparmor-policy", MFD_CLOEXEC));
  if (!in) return LastErrno("memfd for the AppArmor policy");
  if (write(in.get(), policy.data(), policy.size()) !=
          static_cast<ssize_t>(policy.size()) ||
      lseek(in.get(), 0, SEEK_SET) != 0) {
    return LastErrno("write the AppArmor policy to a memfd");
  }
  using subprocess::Stdio;
  ASSIGN_OR_RETURN(
      subprocess::Result run,
      subprocess::Run({.path = ResolveParser(parser),
                       .argv = {parser, "-Kr"},
                       .in = Stdio::Fd(in.get()),
                       .out = Stdio::Pipe(),
                       .err = Stdio::Pipe()},
                      {.timeout = timeout, .max_out = 4096, .max_err = 4096}));
  std::string said(absl::StripAsciiWhitespace(run.out + run.err));
  if (run.timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(parser, " -Kr did not finish in ",
                     absl::FormatDuration(timeout), " and was killed: ", said));
  }
  if (WIFEXITED(run.wait_status) && WEXITSTATUS(run.wait_status) == 0) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat(parser, " -Kr failed (exit code ",
                                          subprocess::ExitCode(run.wait_status),
                                          "): ", said));
}

}  // namespace

bool ProfileListed(const std::string& profiles, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(profiles, '\n')) {
    size_t mode = line.rfind(" (");
    if (mode != absl::string_view::npos && line.substr(0, mode) == name) {
      return true;
    }
  }
  return false;
}

AppArmorSystem HostAppArmor(const std::string& parser, absl::Duration timeout) {
  AppArmorSystem s;
  s.enabled = HostEnabled;
  s.load = [parser, timeout](const std::string& policy) {
    return LoadPolicy(parser, timeout, policy);
  };
  s.loaded = HostLoaded;
  return s;
}

specgen::AppArmorState SetUpAppArmor(const AppArmorSystem& system) {
  specgen::AppArmorState state;
  state.enabled = system.enabled();
  state.loaded = system.loaded;
  if (state.enabled) {
    state.default_profile = system.load(specgen::DefaultAppArmorProfileText());
  }
  if (!state.enabled || state.default_profile.ok()) {
    LOG(INFO) << specgen::DescribeAppArmor(state);
  } else {
    LOG(ERROR) << specgen::DescribeAppArmor(state);
  }
  return state;
}

}  // namespace crisp::server
