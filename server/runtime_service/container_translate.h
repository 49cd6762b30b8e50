// CRI container messages <-> containers::Container (mapping only).
#pragma once

#include "containers/container.h"
#include "cri-api/api.pb.h"

namespace crisp::server {

namespace v1 = ::runtime::v1;

// What CreateContainer records of its request (the rest goes into the OCI
// spec). `log_directory` is the pod's.
containers::Container ToContainerRecord(const v1::ContainerConfig& config,
                                        const std::string& pod_id,
                                        const std::string& log_directory);

v1::ContainerState ToCriState(containers::ContainerState state);
void ToCriContainer(const containers::Container& c,
                    const containers::ContainerStatus& status,
                    v1::Container* out);
void ToCriContainerStatus(const containers::Container& c,
                          const containers::ContainerStatus& status,
                          v1::ContainerStatus* out);
bool MatchesFilter(const containers::Container& c,
                   const containers::ContainerStatus& status,
                   const v1::ContainerFilter& filter);

}  // namespace crisp::server
