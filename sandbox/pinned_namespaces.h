// A pod's network, IPC and UTS namespaces, created by a short-lived child
// and kept alive by bind-mounting their /proc/<pid>/ns files under a
// directory (as CRI-O's pinns does), so a pod needs no infra process. The
// pod's containers join them by path.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crisp::sandbox {

struct PinRequest {
  std::string dir;     // holds net/, ipc/ and uts/ (e.g. /run/crisp/ns)
  std::string pod_id;  // names the files
  bool net = true;     // false: the pod uses the host's namespace
  bool ipc = true;
  bool uts = true;
  std::string hostname;  // set in the new UTS namespace
  // Namespaced sysctls (see ValidateSysctl), written inside the new
  // namespaces before they are pinned.
  std::vector<std::pair<std::string, std::string>> sysctls;
};

// Paths of the pinned namespace files; empty where the host's is used.
struct PinnedNamespaces {
  std::string net, ipc, uts;
  std::string pid;  // the pod's shared PID namespace (infra process)
};

// Creates, configures (loopback up, hostname, sysctls) and pins the
// namespaces. On failure nothing is left behind. Safe to call from a
// multi-threaded process: the child makes only system calls.
[[nodiscard]] absl::StatusOr<PinnedNamespaces> PinNamespaces(
    const PinRequest& request);

// Unmounts and removes the files; those already gone are not an error, so
// it can be repeated after a crash.
[[nodiscard]] absl::Status UnpinNamespaces(const PinnedNamespaces& pinned);

// Where the namespace of `kind` ("net", "ipc", "uts", "pid") of pod
// `pod_id` is pinned under `dir`: derived from the id alone, so recovery
// finds what a crashed create left before it could record anything.
std::string PinPath(const std::string& dir, const std::string& kind,
                    const std::string& pod_id);

// The pin files of `pod_id` under `dir` that exist (mounted or not).
PinnedNamespaces ExistingPins(const std::string& dir,
                              const std::string& pod_id);

// True when `path` holds a namespace (a bind mount of an nsfs file), not
// just the empty file a pin starts as or is left as by an interrupted
// unpin.
bool IsPinned(const std::string& path);

// Unmounts and removes one pinned namespace file (missing: done).
[[nodiscard]] absl::Status UnpinNamespaceFile(const std::string& path);

// OK only for a sysctl that lives in a namespace the pod owns: net.* with
// a pod network namespace; kernel.shm*, kernel.msg*, kernel.sem and
// fs.mqueue.* with a pod IPC namespace (the kubelet's "safe" and
// "namespaced" lists). Anything else would change the node.
[[nodiscard]] absl::Status ValidateSysctl(const std::string& name, bool own_net,
                                          bool own_ipc);

}  // namespace crisp::sandbox
