// Waiting for a container's exit record, and the status read from it.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "containers/container.h"

namespace crisp::containers {

// True once DIR/exit.json exists (or DIR is gone: the container was
// removed), false after `timeout`.
bool WaitForExit(const std::string& dir, absl::Duration timeout);

// True when the runtime has released the container's init (it no longer
// waits at its exec fifo), whatever the store says: a crash between the
// runtime's start and the store's update leaves a running container whose
// row says created (review M4).
bool RuntimeRunning(const Container& c);

// The live status: the monitor's exit record when there is one; else
// created or running (by the store, or by the runtime) while the monitor
// lives; else exited with an unknown code (the monitor died, or the node
// rebooted and /run is empty).
ContainerStatus ReadStatus(const Container& c);

}  // namespace crisp::containers
