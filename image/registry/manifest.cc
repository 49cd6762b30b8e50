#include "image/registry/manifest.h"

#include <sys/utsname.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json.h"
#include "common/status.h"
#include "image/registry/reference.h"

namespace crisp::image {
namespace {

using json::Json;

absl::StatusOr<Platform> ParsePlatform(const Json& j, const std::string& what) {
  Platform p;
  ASSIGN_OR_RETURN(p.os, json::StringOr(j, "os", "", what));
  ASSIGN_OR_RETURN(p.architecture, json::StringOr(j, "architecture", "", what));
  ASSIGN_OR_RETURN(p.variant, json::StringOr(j, "variant", "", what));
  return p;
}

absl::StatusOr<Descriptor> ParseDescriptor(const Json& j, const char* what) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an object"));
  }
  Descriptor d;
  ASSIGN_OR_RETURN(d.media_type, json::StringOr(j, "mediaType", "", what));
  ASSIGN_OR_RETURN(d.digest, json::StringOr(j, "digest", "", what));
  RETURN_IF_ERROR(Annotate(ValidateDigest(d.digest), what));
  ASSIGN_OR_RETURN(d.size, json::Int64Or(j, "size", -1, what));
  if (d.size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", d.digest, ": missing or negative size"));
  }
  ASSIGN_OR_RETURN(const Json* platform, json::GetObject(j, "platform", what));
  if (platform != nullptr) {
    ASSIGN_OR_RETURN(d.platform,
                     ParsePlatform(*platform, absl::StrCat(what, " platform")));
  }
  return d;
}

bool IsLayerType(absl::string_view t) {
  return absl::StartsWith(t, "application/vnd.oci.image.layer.") ||
         absl::StartsWith(t, "application/vnd.docker.image.rootfs.");
}

std::string NormalVariant(const Platform& p) {
  if (p.architecture == "arm64" && p.variant.empty()) return "v8";
  if (p.architecture == "arm" && p.variant.empty()) return "v7";
  return p.variant;
}

// 0 = not usable; higher is a better match.
int MatchScore(const Platform& offer, const Platform& want) {
  if (offer.os != want.os || offer.architecture != want.architecture) return 0;
  std::string have = NormalVariant(offer), need = NormalVariant(want);
  if (have == need) return 1000;
  // 32-bit arm: v5 < v6 < v7 < v8; an older variant still runs.
  if (want.architecture == "arm" && have.size() == 2 && need.size() == 2 &&
      have < need) {
    return 50 + have[1];
  }
  return 0;
}

// The media type of a manifest served with a generic Content-Type: its
// mediaType field, else guessed from its shape as containerd does.
absl::StatusOr<std::string> TypeFromBody(absl::string_view body) {
  ASSIGN_OR_RETURN(Json j, json::ParseObject(body, "manifest"));
  ASSIGN_OR_RETURN(std::string type,
                   json::StringOr(j, "mediaType", "", "manifest"));
  if (!type.empty()) return type;
  if (j.contains("manifests")) return std::string(kOciIndex);
  if (j.contains("layers")) return std::string(kOciManifest);
  ASSIGN_OR_RETURN(int64_t version,
                   json::Int64Or(j, "schemaVersion", 0, "manifest"));
  return std::string(version == 1 ? kDockerSchema1 : "");
}

}  // namespace

std::string ManifestAcceptHeader() {
  return absl::StrCat("Accept: ", kOciIndex, ", ", kDockerManifestList, ", ",
                      kOciManifest, ", ", kDockerManifest, ", ",
                      kDockerSchema1Signed, ";q=0.1, ", kDockerSchema1,
                      ";q=0.1");
}

absl::StatusOr<ManifestKind> ClassifyManifest(absl::string_view content_type,
                                              absl::string_view body) {
  std::string type(content_type.substr(0, content_type.find(';')));
  if (type.empty() || type == "application/json" || type == "text/plain" ||
      type == "application/octet-stream") {
    ASSIGN_OR_RETURN(type, TypeFromBody(body));
  }
  if (type == kOciIndex || type == kDockerManifestList) {
    return ManifestKind::kIndex;
  }
  if (type == kOciManifest || type == kDockerManifest) {
    return ManifestKind::kManifest;
  }
  if (type == kDockerSchema1 || type == kDockerSchema1Signed) {
    return absl::FailedPreconditionError(
        "Docker image manifest schema 1 is not supported (deprecated since "
        "2015); push the image again with a current client");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported manifest media type \"", type, "\""));
}

absl::StatusOr<Manifest> ParseManifest(absl::string_view body) {
  ASSIGN_OR_RETURN(Json j, json::ParseObject(body, "manifest"));
  Manifest m;
  auto config = j.find("config");
  if (config == j.end()) {
    return absl::InvalidArgumentError("manifest: no config descriptor");
  }
  ASSIGN_OR_RETURN(m.config, ParseDescriptor(*config, "manifest config"));
  ASSIGN_OR_RETURN(const Json* layers, json::GetArray(j, "layers", "manifest"));
  if (layers == nullptr) {
    return absl::InvalidArgumentError("manifest: no layers array");
  }
  for (const Json& l : *layers) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(l, "manifest layer"));
    if (!IsLayerType(d.media_type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("manifest layer ", d.digest,
                       ": unsupported media type \"", d.media_type, "\""));
    }
    m.layers.push_back(std::move(d));
  }
  return m;
}

absl::StatusOr<std::vector<Descriptor>> ParseIndex(absl::string_view body) {
  ASSIGN_OR_RETURN(Json j, json::ParseObject(body, "index"));
  ASSIGN_OR_RETURN(const Json* list, json::GetArray(j, "manifests", "index"));
  if (list == nullptr) {
    return absl::InvalidArgumentError("index: no manifests array");
  }
  std::vector<Descriptor> out;
  for (const Json& e : *list) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(e, "index entry"));
    out.push_back(std::move(d));
  }
  return out;
}

Platform HostPlatform() {
  struct utsname u {};
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return {"linux", "amd64", ""};
  if (m == "aarch64" || m == "arm64") return {"linux", "arm64", "v8"};
  if (absl::StartsWith(m, "armv")) return {"linux", "arm", m.substr(3, 2)};
  if (m == "i686" || m == "i386") return {"linux", "386", ""};
  return {"linux", m, ""};
}

absl::StatusOr<Descriptor> ChoosePlatform(
    const std::vector<Descriptor>& entries, const Platform& want) {
  const Descriptor* best = nullptr;
  int best_score = 0;
  std::vector<std::string> offered;
  for (const Descriptor& d : entries) {
    int score = MatchScore(d.platform, want);
    if (score > best_score) best = &d, best_score = score;
    offered.push_back(absl::StrCat(d.platform.os, "/", d.platform.architecture,
                                   d.platform.variant.empty() ? "" : "/",
                                   d.platform.variant));
  }
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "no image for platform ", want.os, "/", want.architecture,
        want.variant.empty() ? "" : "/", want.variant, " (the index offers ",
        offered.empty() ? "nothing" : absl::StrJoin(offered, ", "), ")"));
  }
  return *best;
}

}  // namespace crisp::image
