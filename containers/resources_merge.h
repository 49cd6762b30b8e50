// The limits a container runs with after an update: what the update sets
// replaces what was there, what it leaves unset stays (CRI's zero means
// "not set", and ApplyResources leaves those fields empty).
#pragma once

#include "runtime/spec/spec.h"

namespace crisp::containers {

runtime::spec::Resources MergeResources(runtime::spec::Resources base,
                                        const runtime::spec::Resources& update);

}  // namespace crisp::containers
