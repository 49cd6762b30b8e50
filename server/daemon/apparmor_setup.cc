#include "server/daemon/apparmor_setup.h"

#include <fcntl.h>
#include <glog/logging.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "server/spec/apparmor_default.h"

extern char** environ;

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

// What the parser said, for the error: at most 4 KiB of it.
std::string Drain(int fd) {
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (out.size() < 4096) out.append(buf, n);
  }
  return std::string(absl::StripAsciiWhitespace(out));
}

// `parser -Kr` with the policy on stdin: replace the profiles, skip the
// cache (it may be stale or read-only); its output is kept for the error.
// The policy is far smaller than a pipe's buffer, so it is written whole
// before the output is read.
absl::Status LoadPolicy(const std::string& parser, const std::string& policy) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return LastErrno("pipe");
  UniqueFd in_read(in[0]), in_write(in[1]);
  if (pipe2(out, O_CLOEXEC) != 0) return LastErrno("pipe");
  UniqueFd out_read(out[0]), out_write(out[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 2);
  std::vector<char*> argv = {const_cast<char*>(parser.c_str()),
                             const_cast<char*>("-Kr"), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, parser.c_str(), &actions, nullptr, argv.data(),
                        environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    errno = rc;
    return LastErrno(absl::StrCat("run ", parser));
  }
  in_read.Reset();
  out_write.Reset();
  bool written = write(in_write.get(), policy.data(), policy.size()) ==
                 static_cast<ssize_t>(policy.size());
  in_write.Reset();
  std::string said = Drain(out_read.get());
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (written && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return absl::OkStatus();
  }
  return absl::InternalError(
      absl::StrCat(parser, " -Kr failed (wait status ", status, "): ", said));
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

AppArmorSystem HostAppArmor(const std::string& parser) {
  AppArmorSystem s;
  s.enabled = HostEnabled;
  s.load = [parser](const std::string& policy) {
    return LoadPolicy(parser, policy);
  };
  s.loaded = HostLoaded;
  return s;
}

spec::AppArmorState SetUpAppArmor(const AppArmorSystem& system) {
  spec::AppArmorState state;
  state.enabled = system.enabled();
  state.loaded = system.loaded;
  if (state.enabled) {
    state.default_profile = system.load(spec::DefaultAppArmorProfileText());
  }
  if (!state.enabled || state.default_profile.ok()) {
    LOG(INFO) << spec::DescribeAppArmor(state);
  } else {
    LOG(ERROR) << spec::DescribeAppArmor(state);
  }
  return state;
}

}  // namespace crisp::server
