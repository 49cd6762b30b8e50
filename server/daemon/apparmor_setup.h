// AppArmor at crispd start-up (audit M9): whether the host enforces it,
// and crisp-default loaded once with `apparmor_parser -Kr`, so that
// RuntimeDefault containers are confined as containerd and CRI-O confine
// them. The host is reached through AppArmorSystem, which tests fake.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"

#include "absl/status/statusor.h"
#include "server/specgen/apparmor.h"

namespace crisp::server {

struct AppArmorSystem {
  // The module is enabled and its policy interface is mounted.
  std::function<bool()> enabled;
  // Loads (or replaces) the profiles of `policy` into the kernel.
  std::function<absl::Status(const std::string& policy)> load;
  // Whether a profile of this name is loaded.
  std::function<absl::StatusOr<bool>(const std::string& name)> loaded;
};

// The real host: /sys/module/apparmor/parameters/enabled and
// /sys/kernel/security/apparmor; `parser` (a path, or a name looked up in
// $PATH and the sbin directories) is run to load policy, and killed if it
// takes longer than `timeout`: crispd waits for it before serving.
AppArmorSystem HostAppArmor(const std::string& parser = "apparmor_parser",
                            absl::Duration timeout = absl::Seconds(60));

// Probes the host and, where AppArmor is enabled, loads crisp-default;
// logs what it found. Never fails: a load error is kept in the state and
// refuses RuntimeDefault containers later, with its reason.
specgen::AppArmorState SetUpAppArmor(const AppArmorSystem& system);

// The names in /sys/kernel/security/apparmor/profiles ("name (mode)" per
// line).
bool ProfileListed(const std::string& profiles, const std::string& name);

}  // namespace crisp::server
