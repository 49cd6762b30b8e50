// The limits a container runs with after an update: what the update sets
// replaces what was there, what it leaves unset stays (CRI's zero means
// "not set", and ApplyResources leaves those fields empty).
#pragma once

#include "runtime/oci/spec.h"

namespace crisp::containers {

runtime::oci::Resources MergeResources(runtime::oci::Resources base,
                                       const runtime::oci::Resources& update);

}  // namespace crisp::containers
