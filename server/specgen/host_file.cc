#include "server/specgen/host_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace crisp::server::specgen {
namespace {

absl::Status Invalid(const std::string& what, const std::string& path,
                     absl::string_view cause) {
  return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": ", cause));
}

// Reads at most max_bytes + 1, so that a file that grew after the fstat
// is still caught.
absl::StatusOr<std::string> ReadCapped(int fd, size_t max_bytes) {
  std::string text(max_bytes + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LastErrno("read");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace

absl::StatusOr<std::string> ReadHostFile(const std::string& what,
                                         const std::string& path,
                                         size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return Invalid(what, path, LastErrno("cannot read").message());
  struct stat st;
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Invalid(what, path, "is not a regular file");
  }
  std::string too_big = absl::StrCat("is larger than ", max_bytes, " bytes");
  if (static_cast<size_t>(st.st_size) > max_bytes) {
    return Invalid(what, path, too_big);
  }
  auto text = ReadCapped(fd.get(), max_bytes);
  if (!text.ok()) return Invalid(what, path, text.status().message());
  if (text->size() > max_bytes) return Invalid(what, path, too_big);
  return text;
}

}  // namespace crisp::server::specgen
