// The verbose ContainerStatus info, as JSON: the stored record, the init's
// pid while the container runs, and the OCI spec it was created from
// (containerd's info carries the same pid and runtimeSpec).
#pragma once

#include <string>

#include "containers/container.h"
#include "runtime/runtime.h"

namespace crisp::containers {

std::string ContainerInfoJson(runtime::Runtime& rt, const Container& c,
                              const ContainerStatus& status);

}  // namespace crisp::containers
