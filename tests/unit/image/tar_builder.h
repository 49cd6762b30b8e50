// Hand-made layer tarballs for unpack tests (libarchive's writer, which
// writes whatever names and link targets it is given, hostile or not).
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace crisp::image::testing {

struct TarEntry {
  std::string path;
  char type =
      '0';  // '0' file, '5' dir, '2' symlink, '1' hardlink, '3' chr, '6' fifo
  std::string content;
  std::string link;
  mode_t mode = 0644;
  uid_t uid = 0;
  gid_t gid = 0;
  long mtime = 1000000000;
  dev_t rdev = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// A pax tar of `entries`.
std::string BuildTar(const std::vector<TarEntry>& entries);
std::string Gzip(const std::string& data);
std::string Zstd(const std::string& data);

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& data);
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace crisp::image::testing
