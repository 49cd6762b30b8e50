// Crisp's default AppArmor profile (RuntimeDefault on AppArmor hosts),
// written in the spirit of the docker-default profile that containerd and
// CRI-O also load: everything a normal workload needs is allowed, and the
// kernel interfaces a container could use against the host are not.
#pragma once

#include <string>

namespace crisp::server::specgen {

inline constexpr char kDefaultAppArmorProfile[] = "crisp-default";

// The policy text crispd loads with `apparmor_parser -Kr` at start-up.
// Self-contained: it includes no tunables or abstractions, so it parses on
// any host with the AppArmor 3 userspace.
std::string DefaultAppArmorProfileText();

}  // namespace crisp::server::specgen
