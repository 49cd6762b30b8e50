#include "runtime/linux/mountinfo.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace crisp::runtime::mountinfo {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && IsOctal(s[i + 1]) &&
        IsOctal(s[i + 2]) && IsOctal(s[i + 3])) {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 +
                                      (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

bool Covers(absl::string_view mount_point, absl::string_view path) {
  if (mount_point == "/") return true;
  if (path.substr(0, mount_point.size()) != mount_point) return false;
  return path.size() == mount_point.size() || path[mount_point.size()] == '/';
}

}  // namespace

bool Entry::Shared() const {
  for (const std::string& o : optional) {
    if (o.rfind("shared:", 0) == 0) return true;
  }
  return false;
}

std::vector<Entry> Parse(absl::string_view text) {
  std::vector<Entry> mounts;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    // id parent major:minor root mount-point options [optional...] -
    // fstype source super-options
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 6 || dash + 3 >= f.size()) continue;
    Entry m;
    if (!absl::SimpleAtoi(f[0], &m.id) || !absl::SimpleAtoi(f[1], &m.parent)) {
      continue;
    }
    m.root = Unescape(f[3]);
    m.mount_point = Unescape(f[4]);
    for (size_t i = 6; i < dash; ++i) m.optional.emplace_back(f[i]);
    m.fstype = std::string(f[dash + 1]);
    m.source = Unescape(f[dash + 2]);
    m.super_options = std::string(f[dash + 3]);
    mounts.push_back(std::move(m));
  }
  return mounts;
}

const Entry* MountOf(const std::vector<Entry>& mounts, absl::string_view path) {
  const Entry* best = nullptr;
  for (const Entry& m : mounts) {
    if (!Covers(m.mount_point, path)) continue;
    if (best == nullptr || m.mount_point.size() >= best->mount_point.size()) {
      best = &m;
    }
  }
  return best;
}

}  // namespace crisp::runtime::mountinfo
