// Sealed, in-memory copies of Crisp's own executables (the defence against
// CVE-2019-5736: runc's "cloned binary").
//
// A process that enters a container (the init cloned by crisp-monitor, the
// child of `crisp-runtime exec`) runs Crisp's binary inside the container
// until its final execve. If that binary is a host file, a container root
// process can reach it through /proc/<pid>/exe — an entrypoint or probe
// script starting with `#!/proc/self/exe` even makes the host binary run
// as a container process — and open it for writing once it is no longer
// executing. Running the helpers from a sealed memfd instead leaves nothing
// on the host to reach: /proc/<pid>/exe is the memfd, and its seals refuse
// every write.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp {

// A sealed (write, grow, shrink, seal) memfd holding the loadable part of
// the ELF file `path`: everything the kernel and the dynamic loader read
// (the program headers and the segments), without section headers or debug
// sections, so a copy costs only the mapped size. `name` names the memfd
// (what /proc/<pid>/exe shows).
[[nodiscard]] absl::StatusOr<UniqueFd> SealedCopy(const std::string& path,
                                                  const std::string& name);

// True when `fd` is a memfd carrying the write seal.
bool IsSealed(int fd);

// Where a child of this process executes the sealed copy held in `fd`:
// /proc/<our pid>/fd/<fd>, so the path works even after the child closes
// every inherited fd (posix_spawn's closefrom) before its execve.
std::string SealedExecPath(int fd);

// For an executable that may be started from its host file by anyone (the
// crisp-runtime command line, crisp-monitor): OK when /proc/self/exe is
// already sealed; otherwise re-executes the process from a sealed copy of
// itself with the same argv and environment, and returns only on failure.
[[nodiscard]] absl::Status EnsureSealedSelf(char** argv);

}  // namespace crisp
