#include "server/specgen/etc_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "runtime/linux/paths.h"

namespace crisp::server::specgen {
namespace {

// A passwd or group file bigger than this is not one an image ships.
constexpr off_t kMaxFileSize = 16 << 20;

std::vector<std::vector<std::string>> Records(absl::string_view text) {
  std::vector<std::vector<std::string>> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') {
      continue;
    }
    out.push_back(absl::StrSplit(line, ':'));
  }
  return out;
}

absl::StatusOr<std::string> ReadRegularFile(int fd, const std::string& name) {
  struct stat st;
  if (fstat(fd, &st) != 0) return LastErrno(absl::StrCat("stat ", name));
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxFileSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("image ", name, ": not a regular file of sane size"));
  }
  std::string data(st.st_size, '\0');
  ssize_t n = pread(fd, data.data(), data.size(), 0);
  if (n < 0) return LastErrno(absl::StrCat("read image ", name));
  data.resize(n);
  return data;
}

// The file's text; "" with *found = false when the image has none.
absl::StatusOr<std::string> ReadOptional(int root, const std::string& name,
                                         bool* found) {
  auto fd = runtime::paths::OpenInRoot(root, name, O_RDONLY | O_NONBLOCK);
  *found = fd.ok();
  if (absl::IsNotFound(fd.status())) return std::string();
  if (!fd.ok()) return fd.status();
  return ReadRegularFile(fd->get(), name);
}

}  // namespace

std::vector<PasswdEntry> ParsePasswd(absl::string_view text) {
  std::vector<PasswdEntry> out;
  for (const auto& f : Records(text)) {
    PasswdEntry e;
    if (f.size() < 4 || f[0].empty() || !absl::SimpleAtoi(f[2], &e.uid) ||
        !absl::SimpleAtoi(f[3], &e.gid)) {
      continue;
    }
    e.name = f[0];
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<GroupEntry> ParseGroup(absl::string_view text) {
  std::vector<GroupEntry> out;
  for (const auto& f : Records(text)) {
    GroupEntry e;
    if (f.size() < 3 || f[0].empty() || !absl::SimpleAtoi(f[2], &e.gid)) {
      continue;
    }
    e.name = f[0];
    if (f.size() > 3) {
      for (absl::string_view m : absl::StrSplit(f[3], ',')) {
        m = absl::StripAsciiWhitespace(m);
        if (!m.empty()) e.members.emplace_back(m);
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

const PasswdEntry* EtcFiles::UserByName(absl::string_view name) const {
  for (const auto& e : passwd) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const PasswdEntry* EtcFiles::UserById(uint32_t uid) const {
  for (const auto& e : passwd) {
    if (e.uid == uid) return &e;
  }
  return nullptr;
}

std::optional<uint32_t> EtcFiles::GroupId(absl::string_view name) const {
  for (const auto& e : group) {
    if (e.name == name) return e.gid;
  }
  return std::nullopt;
}

absl::StatusOr<EtcFiles> ReadEtcFiles(const std::string& rootfs) {
  UniqueFd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return LastErrno(absl::StrCat("open rootfs ", rootfs));
  EtcFiles files;
  ASSIGN_OR_RETURN(std::string passwd,
                   ReadOptional(root.get(), "/etc/passwd", &files.has_passwd));
  ASSIGN_OR_RETURN(std::string group,
                   ReadOptional(root.get(), "/etc/group", &files.has_group));
  files.passwd = ParsePasswd(passwd);
  files.group = ParseGroup(group);
  return files;
}

}  // namespace crisp::server::specgen
