// A container's live status, read from the runtime: the store keeps only
// what CreateContainer asked for.
#pragma once

#include "containers/container.h"
#include "runtime/runtime.h"

namespace crisp::containers {

// The reason and message kubelet reads for an exit: ContainerCannotRun
// with its cause when the command never ran (Docker's reason; its exit code
// is 126, 127 or 128), else OOMKilled, Completed or Error.
void SetExitReason(const runtime::ExitRecord& exit, ContainerStatus& status);

// True when the runtime has released the container's init (it no longer
// waits to be started), whatever the store says: a crash between the
// runtime's start and the store's update leaves a running container whose
// row says created (review M4).
bool RuntimeRunning(runtime::Runtime& rt, const Container& c);

// The live status: the exit record when there is one; else created or
// running (by the store, or by the runtime) while something holds the
// container; else exited with an unknown code (the monitor died, or the
// node rebooted and /run is empty).
ContainerStatus ReadStatus(runtime::Runtime& rt, const Container& c);

}  // namespace crisp::containers
