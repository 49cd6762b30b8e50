// linux.resources from the CRI container resources (device rules are
// devices.h's).
#pragma once

#include "cri-api/api.pb.h"
#include "runtime/oci/spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// CPU period/quota/shares/cpuset, memory limit and swap, hugepage limits
// and unified (v2) keys; zero means "not set", as in CRI. Without a swap
// limit, swap is capped at the memory limit so the container cannot swap
// (containerd's choice; a node without swap accounting skips the file).
void ApplyResources(const v1::LinuxContainerResources& in,
                    runtime::oci::Resources& out);

}  // namespace crisp::server::specgen
