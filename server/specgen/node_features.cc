#include "server/specgen/node_features.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

constexpr char kWhat[] = "runtime features";
// crisp-runtime's reason for a missing "rro" (runtime/cli/features.cc).
constexpr char kRroAnnotation[] = "org.crisp.mount.rro";

}  // namespace

absl::StatusOr<NodeFeatures> ParseRuntimeFeatures(absl::string_view text) {
  ASSIGN_OR_RETURN(json::Json doc, json::ParseObject(text, kWhat));
  ASSIGN_OR_RETURN(auto options,
                   json::GetStringList(doc, "mountOptions", kWhat));
  ASSIGN_OR_RETURN(auto notes, json::GetStringMap(doc, "annotations", kWhat));
  NodeFeatures f;
  if (options) {
    f.recursive_read_only_mounts =
        std::find(options->begin(), options->end(), "rro") != options->end();
  }
  if (!f.recursive_read_only_mounts) {
    f.recursive_read_only_missing =
        "the runtime does not list the \"rro\" mount option";
    if (notes && notes->count(kRroAnnotation) > 0) {
      f.recursive_read_only_missing = notes->at(kRroAnnotation);
    }
  }
  return f;
}

absl::Status CheckNodeSupports(const v1::ContainerConfig& config,
                               const NodeFeatures& node) {
  if (node.recursive_read_only_mounts) return absl::OkStatus();
  for (int i = 0; i < config.mounts_size(); ++i) {
    if (!config.mounts(i).recursive_read_only()) continue;
    return absl::FailedPreconditionError(
        absl::StrCat("mounts[", i,
                     "]: recursive_read_only is not supported "
                     "on this node: ",
                     node.recursive_read_only_missing));
  }
  return absl::OkStatus();
}

}  // namespace crisp::server::specgen
