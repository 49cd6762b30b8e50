// CRI pod sandbox messages <-> sandbox::Pod (no logic beyond mapping).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cri-api/api.pb.h"
#include "sandbox/pod.h"

namespace crisp::server {

namespace v1 = ::runtime::v1;

// The handlers crispd answers to: "" and "crisp" are its own runtime.
[[nodiscard]] absl::Status CheckRuntimeHandler(const std::string& handler);
const std::vector<std::string>& RuntimeHandlerNames();

[[nodiscard]] absl::StatusOr<sandbox::PodSpec> ToPodSpec(
    const v1::PodSandboxConfig& config, const std::string& runtime_handler);

void ToCriPodSandbox(const sandbox::Pod& pod, v1::PodSandbox* out);
void ToCriPodSandboxStatus(const sandbox::Pod& pod, v1::PodSandboxStatus* out);
bool MatchesFilter(const sandbox::Pod& pod, const v1::PodSandboxFilter& filter);

}  // namespace crisp::server
