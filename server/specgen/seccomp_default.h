// Crisp's default seccomp profile (RuntimeDefault): an allowlist with
// EPERM for everything else. Which system calls it allows, with which
// argument rules and under which capabilities, follows the Docker/moby
// default profile that containerd and CRI-O also ship, so workloads see
// the same behaviour on Crisp as on them.
#pragma once

#include <string>
#include <vector>

#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

// The seccomp architectures of this build: the native one and the
// compatibility ABIs the kernel also lets a process use (x86 and x32 on
// x86_64, arm on aarch64, ...), so a 32-bit binary meets the same filter.
std::vector<std::string> NativeSeccompArchitectures();

// This build's architecture as profiles name it in "includes"/"excludes"
// ("amd64", "arm64", "s390x", ...).
std::string NativeArchName();

// The profile for a container whose bounding set is `bounding`: syscalls
// that need a capability (mount needs CAP_SYS_ADMIN, reboot CAP_SYS_BOOT,
// ...) are allowed only when the container holds it; without
// CAP_SYS_ADMIN, clone may not create namespaces and clone3 fails with
// ENOSYS so that libc falls back to clone, whose flags the filter can see.
runtime::oci::Seccomp DefaultSeccompProfile(
    const std::vector<std::string>& bounding);

}  // namespace crisp::server::specgen
