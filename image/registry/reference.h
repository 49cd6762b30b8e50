// Image references, parsed and normalised as the docker/distribution
// reference grammar does: `busybox` → `docker.io/library/busybox:latest`,
// `host:port/a/b:tag`, `name@sha256:<hex>`, `name:tag@sha256:<hex>`.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

struct Reference {
  std::string domain;  // "docker.io", "localhost:5000", "[::1]:5000"
  std::string path;    // "library/busybox"
  std::string tag;     // empty when only a digest was given
  std::string digest;  // "sha256:<hex>" or empty

  // "docker.io/library/busybox"
  std::string Name() const { return domain + "/" + path; }
  // The canonical form: name, then ":tag" and/or "@digest".
  std::string String() const;
  // "name:tag"; empty when there is no tag.
  std::string TagRef() const;
  // "name@digest" for a given digest (repo digests are recorded this way).
  std::string DigestRef(absl::string_view digest) const;
  // The tag or digest to ask the registry for: the digest wins.
  std::string Locator() const { return digest.empty() ? tag : digest; }
};

// Parses and normalises `text`. A missing tag becomes "latest" unless a
// digest is given. Errors are InvalidArgument naming the reference and the
// rule it breaks.
[[nodiscard]] absl::StatusOr<Reference> ParseReference(absl::string_view text);

// Validates "algorithm:hex" as the grammar does (sha256: 64 lowercase hex,
// sha512: 128).
[[nodiscard]] absl::Status ValidateDigest(absl::string_view digest);

}  // namespace crisp::image
