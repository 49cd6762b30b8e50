// The OCI image config (the blob a manifest's config descriptor names),
// parsed once at pull into the fields Crisp uses: what shapes a
// container's process (user, env, entrypoint, cmd, working dir, stop
// signal), what describes the image (volumes, exposed ports, labels), and
// the uncompressed layer digests its rootfs is checked against.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

struct ImageConfig {
  // The "config" object (Docker's names in brackets).
  std::string user;                        // User
  std::vector<std::string> env;            // Env, "NAME=value"
  std::vector<std::string> entrypoint;     // Entrypoint
  std::vector<std::string> cmd;            // Cmd
  std::string working_dir;                 // WorkingDir
  std::string stop_signal;                 // StopSignal, as written ("SIGQUIT")
  std::vector<std::string> volumes;        // Volumes' keys, in key order
  std::vector<std::string> exposed_ports;  // ExposedPorts' keys ("80/tcp")
  std::map<std::string, std::string> labels;  // Labels
  // rootfs.diff_ids: the uncompressed layer digests, bottom layer first.
  std::vector<std::string> diff_ids;
};

// The config blob. InvalidArgument naming the field for malformed JSON, a
// field of the wrong type, or a missing or malformed rootfs.diff_ids.
[[nodiscard]] absl::StatusOr<ImageConfig> ParseImageConfig(
    absl::string_view body);

}  // namespace crisp::image
