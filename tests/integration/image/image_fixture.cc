#include "tests/integration/image/image_fixture.h"

#include <dirent.h>

#include <algorithm>

#include "nlohmann/json.hpp"

namespace crisp::testing {

std::vector<std::string> ImageTest::Entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string ImageTest::ConfigDigest(const std::string& repo,
                                    const std::string& ref) {
  auto j = nlohmann::json::parse(LabManifest(repo, ref), nullptr, false);
  if (!j.is_object()) return "";
  if (j.contains("manifests")) {  // an index: the amd64 entry
    for (const auto& m : j["manifests"]) {
      if (m["platform"].value("architecture", "") == "amd64") {
        return ConfigDigest(repo, m.value("digest", ""));
      }
    }
    return "";
  }
  return j["config"].value("digest", "");
}

}  // namespace crisp::testing
