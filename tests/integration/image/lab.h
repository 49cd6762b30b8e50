// The lab registries of hack/registry.sh, as the image integration tests
// see them. $CRISP_LAB_REGISTRY overrides the plain-HTTP one (default
// 127.0.0.1:5000), $CRISP_LAB_TLS_REGISTRY the TLS + basic-auth one
// (127.0.0.1:5443), $CRISP_LAB_DIR where the lab keeps its CA.
#pragma once

#include <string>

#include "tests/support/requirement.h"

namespace crisp::testing {

std::string LabRegistry();
std::string LabTlsRegistry();
std::string LabCaFile();
// True when http://<LabRegistry()>/v2/ answers.
bool LabUp();
bool LabTlsUp();
// "sha256:..." the registry serves for repo:tag (plain-HTTP lab registry),
// with the manifest Accept header of `accept` (empty: all kinds).
std::string LabManifestDigest(const std::string& repo, const std::string& tag,
                              const std::string& accept = "");
// The body of that manifest.
std::string LabManifest(const std::string& repo, const std::string& ref,
                        const std::string& accept = "");

}  // namespace crisp::testing

#define SKIP_UNLESS_LAB_UP()                                       \
  CRISP_REQUIRE(::crisp::testing::LabUp(),                         \
                "lab registry " << ::crisp::testing::LabRegistry() \
                                << " is not up (start it with "    \
                                   "hack/registry.sh and "         \
                                   "hack/test-images.sh)")
