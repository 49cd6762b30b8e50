// Pushes hand-made images (layers from tar bytes) to a plain-HTTP registry
// through the registry API, so tests can pull exactly the layers they need
// (whiteouts, hostile entries, broken configs) without the lab's images.
#pragma once

#include <string>
#include <vector>

namespace crisp::testing {

struct PushedImage {
  std::string error;  // empty on success
  std::string manifest_digest;
  std::string config_digest;
  std::vector<std::string> diff_ids;
  std::vector<std::string> chain_ids;
};

struct PushSpec {
  std::vector<std::string> tars;  // uncompressed layer tars, bottom first
  bool gzip = true;
  std::string user;
  // Replaces the diff_ids written in the config (to break them).
  std::vector<std::string> config_diff_ids;
};

PushedImage PushImage(const std::string& host, const std::string& repo,
                      const std::string& tag, const PushSpec& spec);

}  // namespace crisp::testing
