// Manifests, indexes and image configs (Docker v2 schema 2 and OCI), and
// the choice of one platform from a manifest list / OCI index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

inline constexpr char kDockerManifest[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kOciManifest[] =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kDockerSchema1[] =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr char kDockerSchema1Signed[] =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// The Accept header for manifest requests: every kind we understand, plus
// schema 1 so that we can name it when refusing it.
std::string ManifestAcceptHeader();

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  Platform platform;  // index entries only
};

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;
};

enum class ManifestKind { kManifest, kIndex };

// The kind of a manifest body, from its Content-Type (or its mediaType
// field when the registry sends a generic type). Schema 1 and unknown
// types are FailedPrecondition / InvalidArgument naming the type.
[[nodiscard]] absl::StatusOr<ManifestKind> ClassifyManifest(
    absl::string_view content_type, absl::string_view body);

[[nodiscard]] absl::StatusOr<Manifest> ParseManifest(absl::string_view body);
[[nodiscard]] absl::StatusOr<std::vector<Descriptor>> ParseIndex(
    absl::string_view body);

// The node's platform (linux, GOARCH name of uname's machine, variant).
Platform HostPlatform();

// The best entry of an index for `want`: same os and architecture, and the
// variant that matches (arm64 "" = "v8"; for arm, the highest variant not
// above the node's). NotFound lists the platforms on offer.
[[nodiscard]] absl::StatusOr<Descriptor> ChoosePlatform(
    const std::vector<Descriptor>& entries, const Platform& want);

}  // namespace crisp::image
