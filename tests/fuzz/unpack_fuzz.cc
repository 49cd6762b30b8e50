// Layer tars (image/unpack.*): the input is written as a layer blob and
// applied to an empty snapshot in a fresh temp dir, removed after the run.
// Whatever the entries say, nothing may land outside the temp dir; the
// sentinel file beside the snapshot must stay as it was.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "image/snapshots/unpack.h"

namespace fs = std::filesystem;

namespace {
void WriteFile(const std::string& path, const char* data, size_t size) {
  std::ofstream(path, std::ios::binary).write(data, size);
}
std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string tmpl = (fs::temp_directory_path() / "crisp-fuzz-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  const std::string dir = tmpl, snap = dir + "/snap", blob = dir + "/layer";
  std::error_code ec;
  fs::create_directory(snap, ec);
  WriteFile(dir + "/sentinel", "keep", 4);
  WriteFile(blob, reinterpret_cast<const char*>(data), size);
  (void)crisp::image::ApplyLayer(blob, snap);
  if (ReadFile(dir + "/sentinel") != "keep") std::abort();
  // The layer may leave dirs without write or search permission; root
  // ignores them, others need them opened up before the removal.
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    if (it->symlink_status(ignored).type() == fs::file_type::directory) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add,
                      ignored);
    }
  }
  fs::remove_all(dir, ec);
  if (ec) std::abort();
  return 0;
}
