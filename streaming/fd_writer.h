// The streaming sessions' non-blocking writer (common/fd_writer.h) and how
// much of it a session lets pile up.
#pragma once

#include <cstddef>

#include "common/fd_writer.h"

namespace crisp::streaming {

using ::crisp::FdWriter;

// Above this much queued for a backend, the session stops reading the
// client (TCP pushes back) until the backend catches up.
inline constexpr size_t kMaxBuffered = size_t{1} << 20;

}  // namespace crisp::streaming
