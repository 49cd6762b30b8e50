// The container's command line, environment and working directory, from the
// CRI config over the image config (Kubernetes' rules, as containerd).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "image/image_config.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

// PATH when neither the image nor the request sets one (containerd's).
inline constexpr char kDefaultPath[] =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// command replaces the image's Entrypoint and drops its Cmd; args replace
// Cmd. InvalidArgument when nothing is left to run.
[[nodiscard]] absl::StatusOr<std::vector<std::string>> ProcessArgs(
    const v1::ContainerConfig& config, const image::ImageConfig& image);

// PATH default, HOSTNAME, then the image's Env, then the request's envs; a
// later entry replaces an earlier one with the same key in place, and an
// image entry without '=' removes the key (Docker's "unset").
std::vector<std::string> ProcessEnv(const v1::ContainerConfig& config,
                                    const image::ImageConfig& image,
                                    const std::string& hostname);

// working_dir, else the image's WorkingDir, else "/". A relative
// working_dir is InvalidArgument.
[[nodiscard]] absl::StatusOr<std::string> ProcessCwd(
    const v1::ContainerConfig& config, const image::ImageConfig& image);

}  // namespace crisp::server::specgen
