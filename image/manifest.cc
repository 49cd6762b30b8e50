#include "image/manifest.h"

#include <sys/utsname.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "image/reference.h"
#include "nlohmann/json.hpp"

namespace crisp::image {
namespace {

using Json = nlohmann::json;

absl::StatusOr<Json> ParseJson(absl::string_view body, const char* what) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a JSON object"));
  }
  return j;
}

std::string StringField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::StatusOr<Descriptor> ParseDescriptor(const Json& j, const char* what) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an object"));
  }
  Descriptor d;
  d.media_type = StringField(j, "mediaType");
  d.digest = StringField(j, "digest");
  RETURN_IF_ERROR(Annotate(ValidateDigest(d.digest), what));
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() ||
      size->get<int64_t>() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", d.digest, ": missing or negative size"));
  }
  d.size = size->get<int64_t>();
  if (auto p = j.find("platform"); p != j.end() && p->is_object()) {
    d.platform = {StringField(*p, "os"), StringField(*p, "architecture"),
                  StringField(*p, "variant")};
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
    ASSIGN_OR_RETURN(Json j, ParseJson(body, "manifest"));
    type = StringField(j, "mediaType");
    if (type.empty() && j.contains("manifests")) type = kOciIndex;
    if (type.empty() && j.contains("layers")) type = kOciManifest;
    if (type.empty() && j.value("schemaVersion", 0) == 1) type = kDockerSchema1;
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
  ASSIGN_OR_RETURN(Json j, ParseJson(body, "manifest"));
  Manifest m;
  auto config = j.find("config");
  if (config == j.end()) {
    return absl::InvalidArgumentError("manifest: no config descriptor");
  }
  ASSIGN_OR_RETURN(m.config, ParseDescriptor(*config, "manifest config"));
  auto layers = j.find("layers");
  if (layers == j.end() || !layers->is_array()) {
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
  ASSIGN_OR_RETURN(Json j, ParseJson(body, "index"));
  auto list = j.find("manifests");
  if (list == j.end() || !list->is_array()) {
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

absl::StatusOr<ImageConfig> ParseImageConfig(absl::string_view body) {
  ASSIGN_OR_RETURN(Json j, ParseJson(body, "image config"));
  ImageConfig c;
  if (auto cfg = j.find("config"); cfg != j.end() && cfg->is_object()) {
    c.user = StringField(*cfg, "User");
  }
  auto rootfs = j.find("rootfs");
  if (rootfs == j.end() || !rootfs->is_object() ||
      !rootfs->contains("diff_ids") || !(*rootfs)["diff_ids"].is_array()) {
    return absl::InvalidArgumentError("image config: no rootfs.diff_ids");
  }
  for (const Json& id : (*rootfs)["diff_ids"]) {
    std::string s = id.is_string() ? id.get<std::string>() : "";
    RETURN_IF_ERROR(Annotate(ValidateDigest(s), "image config diff_id"));
    c.diff_ids.push_back(std::move(s));
  }
  return c;
}

}  // namespace crisp::image
