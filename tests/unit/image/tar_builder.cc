#include "tests/unit/image/tar_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/files.h"

namespace crisp::image::testing {
namespace {

mode_t TypeBits(char t) {
  switch (t) {
    case '5':
      return AE_IFDIR;
    case '2':
      return AE_IFLNK;
    case '3':
      return AE_IFCHR;
    case '6':
      return AE_IFIFO;
    default:
      return AE_IFREG;
  }
}

}  // namespace

std::string BuildTar(const std::vector<TarEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out(64 << 20, '\0');
  size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const TarEntry& t : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.path.c_str());
    archive_entry_set_uid(e, t.uid);
    archive_entry_set_gid(e, t.gid);
    archive_entry_set_mtime(e, t.mtime, 0);
    if (t.type == '1') {
      archive_entry_set_hardlink(e, t.link.c_str());
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, 0);
    } else {
      archive_entry_set_filetype(e, TypeBits(t.type));
      if (t.type == '2') archive_entry_set_symlink(e, t.link.c_str());
      archive_entry_set_size(
          e, t.type == '0' ? static_cast<la_int64_t>(t.content.size()) : 0);
    }
    archive_entry_set_perm(e, t.mode);
    archive_entry_set_rdev(e, t.rdev);
    for (const auto& [k, v] : t.xattrs) {
      archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    }
    archive_write_header(a, e);
    if (t.type == '0')
      archive_write_data(a, t.content.data(), t.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(
      ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/crisp-image-test-XXXXXX";
  path_ = ::mkdtemp(tmpl);
}

TempDir::~TempDir() { (void)RemoveAll(path_); }

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace crisp::image::testing
